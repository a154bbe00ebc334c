-- Start, stop, restart and re-create are written in each record's history as `action` events
-- (`to`: { action, ok }), beside the `status_changed` event the status read back afterwards makes.
ALTER TYPE "EventKind" ADD VALUE 'action';
