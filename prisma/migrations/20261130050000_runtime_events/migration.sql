-- A runtime that cannot be asked is one fact, not one per record: the live follower writes one
-- `runtime_unreachable` event when the Docker Engine (or tmux) stops answering and one
-- `runtime_reachable` event when it answers again. These events belong to no instance
-- (instanceId NULL) and carry the runtime's name as `runtime:docker` / `runtime:tmux`, which no
-- instance name can be (a name holds only letters, digits, "-" and "_").
ALTER TYPE "EventKind" ADD VALUE 'runtime_unreachable';
ALTER TYPE "EventKind" ADD VALUE 'runtime_reachable';
