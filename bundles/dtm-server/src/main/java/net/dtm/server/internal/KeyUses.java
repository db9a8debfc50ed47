package net.dtm.server.internal;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import net.dtm.api.DeviceId;
import net.dtm.api.EnrolmentKey;

/**
 * Counts uses of enrolment keys like a group commit. With one compare-and-set per new device, a
 * key a whole fleet enrols with is one hot record that every request of every node collides on;
 * here the requests of this node waiting for a use of one key are served by one compare-and-set
 * adding all of them, as many as the key has left.
 * <p>
 * Per key, one thread at a time writes (the leader): the first request to arrive while none
 * writes, for itself and every request queued until then; when it is done, the first request
 * queued meanwhile leads the next batch. Each request of a batch gets its use (the key as stored
 * with it, counted in queue order, so the request taking the last use sees the key used up) or a
 * refusal: {@code used-up} beyond the uses left, {@code unknown-key} if the key was deleted (or
 * replaced by another with the same id), or whatever the {@link Standing} says of its device (the
 * key revoked, expired); {@code TRY_LATER} if the compare-and-set lost {@value #ATTEMPTS} times in
 * a row; a store failure is thrown to every request of the batch.
 * <p>
 * A use given back (counted for a device another request stored first) joins the same queue and
 * is taken off in the same compare-and-set, before the batch's new uses, which may take its place:
 * with a single key, give-backs one by one were the hot spot once uses were batched (2,000 routers
 * on three nodes: 526 give-backs took 6,013 compare-and-sets, one of them 57).
 * <p>
 * Counts stay exact: the store's compare-and-set fails on any other change (another node's batch),
 * and the batch is then tried again on the key as re-read. A use is counted, durably, before its
 * device is written: if the node dies between the two (kill -9), the key shows a use more than it
 * enrolled, the same over-count as a use that could not be given back; never one less.
 * Safe for many threads.
 */
final class KeyUses {

    /** Compare-and-set attempts of a batch before its requests are deferred ({@code TRY_LATER}). */
    static final int ATTEMPTS = 16;

    /** A use counted (the key as stored with it), or why none could be. */
    record Use(EnrolmentKey key, EnrolOutcome refusal) {
    }

    /** Why a key does not speak for a device now (used up or not), or null if it does. */
    @FunctionalInterface
    interface Standing {
        String of(EnrolmentKey key, DeviceId device);
    }

    /**
     * One request for a use, or to give one back (device null); {@code done} completes with its
     * outcome once a batch had it, {@code lead} when it is to lead the next batch (never both while
     * it waits: a leader hands over only to a request that no batch has had yet).
     */
    private static final class Request {
        final EnrolmentKey proven;
        final DeviceId device;
        final CompletableFuture<Use> done = new CompletableFuture<>();
        final CompletableFuture<Void> lead = new CompletableFuture<>();

        Request(EnrolmentKey proven, DeviceId device) {
            this.proven = proven;
            this.device = device;
        }

        boolean givesBack() {
            return device == null;
        }
    }

    /** The requests for one key waiting for a batch; guarded by the map's lock of its id. */
    private static final class Queue {
        final List<Request> waiting = new ArrayList<>();
        boolean writing;
    }

    private final EnrolmentKeyCache keys;
    private final Standing standing;
    private final ConcurrentHashMap<String, Queue> queues = new ConcurrentHashMap<>();

    /**
     * @param keys     where keys are read, compare-and-set and remembered as this node wrote them
     * @param standing the rules a key must meet for a device, checked on the key as stored
     */
    KeyUses(EnrolmentKeyCache keys, Standing standing) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.standing = Objects.requireNonNull(standing, "standing");
    }

    /**
     * Counts one use of {@code proven} (as the request proved it) for {@code device}, together with
     * the other requests for that key waiting now.
     *
     * @throws RuntimeException if the store fails (nothing was counted for this request)
     */
    Use take(EnrolmentKey proven, DeviceId device) {
        return queue(new Request(Objects.requireNonNull(proven, "proven"), Objects.requireNonNull(device, "device")));
    }

    /**
     * Takes back one use of {@code used} (the key as this request counted it), together with the
     * other requests for that key waiting now.
     *
     * @return true if it was taken back, or the key is gone (deleted, or another key has its id now:
     *         nothing to take back); false if the compare-and-set lost {@value #ATTEMPTS} times (try again)
     * @throws RuntimeException if the store fails
     */
    boolean giveBack(EnrolmentKey used) {
        return queue(new Request(Objects.requireNonNull(used, "used"), null)).refusal() == null;
    }

    private Use queue(Request me) {
        String id = me.proven.id();
        boolean[] lead = new boolean[1];
        queues.compute(id, (k, q) -> {
            Queue queue = q != null ? q : new Queue();
            queue.waiting.add(me);
            if (!queue.writing) {
                queue.writing = true;
                lead[0] = true;
            }
            return queue;
        });
        if (!lead[0]) {
            CompletableFuture.anyOf(me.done, me.lead).exceptionally(failed -> null).join();
            if (!me.lead.isDone()) {
                return await(me);
            }
        }
        List<Request> batch = new ArrayList<>();
        queues.computeIfPresent(id, (k, q) -> {
            batch.addAll(q.waiting);   // me among them: none but a leader takes from the queue
            q.waiting.clear();
            return q;
        });
        try {
            commit(id, batch);
        } catch (RuntimeException | Error e) { // an Error too (a store plugin going away): no request of the batch waits forever
            batch.forEach(r -> r.done.completeExceptionally(e));
        } finally {
            handOver(id);
        }
        return await(me);
    }

    /** Requests waiting for a use of key {@code id} now, besides a batch being written (tests). */
    int waiting(String id) {
        Queue[] seen = new Queue[1];
        queues.computeIfPresent(id, (k, q) -> {
            seen[0] = q;
            return q;
        });
        return seen[0] == null ? 0 : seen[0].waiting.size();
    }

    private static Use await(Request r) {
        try {
            return r.done.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** The next waiting request leads the next batch; with none, the key's queue goes. */
    private void handOver(String id) {
        queues.computeIfPresent(id, (k, q) -> {
            if (q.waiting.isEmpty()) {
                return null;
            }
            q.waiting.get(0).lead.complete(null);
            return q;
        });
    }

    /**
     * Counts the uses of {@code batch}, uses given back first: one compare-and-set for all, re-read
     * and tried again when it loses.
     */
    private void commit(String id, List<Request> batch) {
        Optional<EnrolmentKey> found = keys.find(id);   // as this node last wrote it, if that is fresh
        List<Request> open = batch;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (found.isEmpty()) {   // deleted: no use to count, none to take back
                open.forEach(r -> r.done.complete(new Use(null, r.givesBack() ? null
                        : EnrolOutcome.refused("unknown-key", null))));
                return;
            }
            EnrolmentKey current = found.get();
            List<Request> returned = new ArrayList<>();
            List<Request> eligible = new ArrayList<>(open.size());
            for (Request r : open) {
                if (r.givesBack()) {
                    if (MessageDigest.isEqual(current.verifier(), r.proven.verifier())) {
                        returned.add(r);
                    } else {
                        r.done.complete(new Use(null, null));   // another key has its id: nothing to take back
                    }
                    continue;
                }
                String why = !MessageDigest.isEqual(current.verifier(), r.proven.verifier()) ? "unknown-key"
                        : standing.of(current, r.device);
                if (why == null) {
                    eligible.add(r);
                } else {
                    r.done.complete(new Use(null, EnrolOutcome.refused(why, "unknown-key".equals(why) ? null : current)));
                }
            }
            EnrolmentKey base = current;
            for (int i = 0; i < returned.size(); i++) {
                base = base.withoutUse();
            }
            int left = base.maxUses() == 0 ? eligible.size() : Math.max(0, base.maxUses() - base.uses());
            int granted = Math.min(left, eligible.size());
            if (granted == 0 && returned.isEmpty()) {
                eligible.forEach(r -> r.done.complete(new Use(null, EnrolOutcome.refused("used-up", current))));
                return;
            }
            EnrolmentKey[] after = new EnrolmentKey[granted];
            EnrolmentKey updated = base;
            for (int i = 0; i < granted; i++) {
                updated = updated.withUse();
                after[i] = updated;
            }
            if (keys.store().replace(current, updated)) {
                keys.stored(updated);
                for (Request r : returned) {
                    r.done.complete(new Use(updated, null));
                }
                for (int i = 0; i < eligible.size(); i++) {
                    eligible.get(i).done.complete(i < granted ? new Use(after[i], null)
                            : new Use(null, EnrolOutcome.refused("used-up", updated)));
                }
                return;
            }
            found = keys.reload(id);   // another node counted uses (or the operator changed the key) first
            open = new ArrayList<>(returned);
            open.addAll(eligible);
        }
        open.forEach(r -> r.done.complete(new Use(null, EnrolOutcome.tryLater("contention"))));
    }
}
