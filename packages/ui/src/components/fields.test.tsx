import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { CheckboxField, SelectField, TextField } from './fields.tsx';

describe('form fields', () => {
  it('labels a text input and ties its error to it', () => {
    render(<TextField label="Name" name="name" error="is already taken" defaultValue="alpha" />);
    const input = screen.getByRole('textbox', { name: 'Name' });
    expect(input.getAttribute('name')).toBe('name');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const describedBy = input.getAttribute('aria-describedby') ?? '';
    expect(document.getElementById(describedBy)?.textContent).toBe('is already taken');
  });

  it('leaves a valid input unmarked', () => {
    render(<TextField label="Name" name="name" />);
    const input = screen.getByRole('textbox', { name: 'Name' });
    expect(input.getAttribute('aria-invalid')).toBeNull();
    expect(input.getAttribute('aria-describedby')).toBeNull();
  });

  it('describes an input by both its hint and its error', () => {
    render(<TextField label="Session" name="tmuxSession" hint="Defaults to the name" error="is too long" />);
    const ids = (screen.getByRole('textbox', { name: 'Session' }).getAttribute('aria-describedby') ?? '').split(' ');
    expect(ids.map((id) => document.getElementById(id)?.textContent)).toEqual(['Defaults to the name', 'is too long']);
  });

  it('renders select options from strings or objects', () => {
    render(
      <SelectField
        label="Type"
        name="type"
        options={['tmux', { value: 'docker', label: 'Docker container' }]}
        error="is required"
      />,
    );
    const select = screen.getByRole('combobox', { name: 'Type' });
    expect(screen.getByRole('option', { name: 'Docker container' })).toHaveProperty('value', 'docker');
    expect(select.getAttribute('aria-invalid')).toBe('true');
  });

  it('labels a checkbox', () => {
    render(<CheckboxField label="Start it now" name="start" defaultChecked />);
    expect(screen.getByRole('checkbox', { name: 'Start it now' })).toHaveProperty('checked', true);
  });
});
