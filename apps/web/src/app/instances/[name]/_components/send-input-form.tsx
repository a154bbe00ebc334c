'use client';

import type { SerializedError } from '@cc-bridge/core';
import { Button } from '@cc-bridge/ui';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type SubmitEvent } from 'react';
import { sendInstanceInputAction } from '@/actions/send-instance-input';
import { errorSentence, toSerializedError } from '@/lib/error-messages';
import { unwrap } from '@/lib/mutations';
import { instanceKeys } from '@/lib/queries';

/**
 * A line typed into the instance: the text as it is, then Enter (actions/send-instance-input.ts).
 * The box empties once the text was sent; a refusal (not running, a container without stdin)
 * is shown under it in core's words, and the text stays to try again.
 */
export function SendInputForm({ name }: { name: string }) {
  const queryClient = useQueryClient();
  const inputId = useId();
  const errorId = useId();
  const [text, setText] = useState('');
  const [error, setError] = useState<SerializedError | null>(null);
  const send = useMutation({
    mutationFn: async (line: string) => unwrap(await sendInstanceInputAction({ name, text: line })),
    onSuccess: () => {
      setText('');
      setError(null);
    },
    onError: (failure) => setError(toSerializedError(failure)),
    // The send is in the instance's history.
    onSettled: () => queryClient.invalidateQueries({ queryKey: instanceKeys.detail(name) }),
  });

  function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    send.mutate(text);
  }

  return (
    <form onSubmit={handleSubmit} className="mt-3 flex flex-col gap-1">
      <label htmlFor={inputId} className="text-sm font-medium">
        Send to instance
      </label>
      <div className="flex gap-2">
        <input
          id={inputId}
          value={text}
          onChange={(event) => setText(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          placeholder="Typed as it is, then Enter"
          className="min-w-0 flex-1 rounded-md border border-zinc-300 bg-white px-2 py-1 font-mono text-sm focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none dark:border-zinc-700 dark:bg-zinc-950"
        />
        <Button type="submit" disabled={send.isPending} aria-busy={send.isPending || undefined}>
          Send
        </Button>
      </div>
      {error ? (
        <p id={errorId} role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error.fieldErrors?.text ? `The text ${error.fieldErrors.text.join('; ')}` : errorSentence(error)}
        </p>
      ) : null}
    </form>
  );
}
