package net.dtm.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import net.dtm.api.OuterPath;

/**
 * Which link carries the tunnel's outer packets, the path the current cycle's ESTABLISH named (the
 * tunnel server's view until a PATH says otherwise), and when the tunnel last moved: moves for a
 * better link (not off a dead one) wait {@link #VOLUNTARY_MOVE_INTERVAL} after the last move of any
 * kind, since each move rebuilds the tunnel and a link that just came back must not pull it over at
 * once. Not thread-safe: the agent's lock guards it.
 */
final class PathState {

    /** Shortest time between two moves of the tunnel for a better (not a dead) link. */
    static final Duration VOLUNTARY_MOVE_INTERVAL = Duration.ofSeconds(10);

    /** A change of path: where the tunnel was and where it is now. */
    record Move(Optional<OuterPath> before, Optional<OuterPath> next) {
    }

    private final PathSelector selector = new PathSelector();
    private Optional<OuterPath> path = Optional.empty();
    private Optional<OuterPath> announced = Optional.empty();
    private Instant lastMove = Instant.MIN;

    /** The link carrying the tunnel, if one is usable. */
    Optional<OuterPath> current() {
        return path;
    }

    /** Picks the path for a new ESTABLISH, freely, and remembers it as the one the server was told. */
    Optional<OuterPath> announce(List<PathSelector.Candidate> links) {
        path = selector.choose(links, path);
        announced = path;
        return path;
    }

    /** The path moved since the ESTABLISH named another: the path to tell the server, if so. */
    Optional<OuterPath> unannounced() {
        return path.isPresent() && !path.equals(announced) ? path : Optional.empty();
    }

    /** A tunnel was just built on the current link: no move for a better one right away. */
    void built(Instant now) {
        lastMove = now;
    }

    /** Moves to the best of {@code links} if that changed; null if the path stays. */
    Move review(Instant now, List<PathSelector.Candidate> links) {
        boolean voluntary = !now.isBefore(lastMove.plus(VOLUNTARY_MOVE_INTERVAL));
        Optional<OuterPath> next = selector.choose(links, path, voluntary);
        if (next.equals(path)) {
            return null;
        }
        Optional<OuterPath> before = path;
        path = next;
        if (next.isPresent() && before.isPresent() && !next.get().linkId().equals(before.get().linkId())) {
            lastMove = now;
        }
        return new Move(before, next);
    }
}
