import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Banner } from './banner.tsx';
import { RelativeTime } from './relative-time.tsx';
import { StatusBadge } from './status-badge.tsx';
import { TypeIcon } from './type-icon.tsx';

describe('StatusBadge', () => {
  it('says the status in words, not only in colour', () => {
    const { container } = render(<StatusBadge status="error" />);
    expect(container.textContent).toBe('error');
  });
});

describe('TypeIcon', () => {
  it('keeps the type readable when the label is visually hidden', () => {
    render(<TypeIcon type="docker" showLabel={false} />);
    expect(screen.getByText('docker').className).toContain('sr-only');
    expect(document.querySelector('svg')?.getAttribute('aria-hidden')).toBe('true');
  });
});

describe('RelativeTime', () => {
  it('says "never" when there is no date', () => {
    const { container } = render(<RelativeTime date={null} />);
    expect(container.textContent).toBe('never');
    expect(container.querySelector('time')).toBeNull();
  });
});

describe('Banner', () => {
  it('interrupts for errors and warnings', () => {
    render(<Banner variant="error" title="Docker is unavailable" />);
    expect(screen.getByRole('alert').textContent).toBe('Error: Docker is unavailable');
  });

  it('is a polite status for information', () => {
    render(<Banner variant="info" title="Discovery ran" />);
    expect(screen.getByRole('status')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
