package net.dtm.server.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException.Reason;
import net.dtm.protocol.Message;
import net.dtm.protocol.Nak;

/**
 * Answers kept per (device, transaction id), or another key of a request, for a time to live, at most a capacity of them, so
 * every copy of a request gets the very same bytes and a request is applied at most once.
 * <p>
 * The first copy of a request claims a slot ({@link Claim#mine()}) and completes it with its
 * answer; a later copy ({@link Claim#copyOf()}) waits for that answer, at most
 * {@value #WAIT_SECONDS} s. A slot completed with a transient refusal ({@link #isTransient}) is only
 * a mark that the request may be tried again: the next copy, even one the replay window judged
 * DUPLICATE, claims the slot afresh. A DUPLICATE that finds no slot (its answer expired or was
 * evicted) gets none ({@code dropped.duplicate}).
 * <p>
 * Against amplification towards a spoofed source: each distinct datagram (the device's sequence
 * number within the request) is answered at most {@value #MAX_ANSWERS_PER_DATAGRAM} times in all,
 * whatever the source addresses, in a burst; beyond it, once more every {@value #ANSWER_REFILL_MILLIS} ms
 * at most; copies in between get nothing ({@code dropped.answer-limit}). (Not once per source address:
 * the agent's transport retransmits the very same datagram, several copies per round on every link,
 * at its RTO, so a lost answer is recovered by answering that source again. Not at most
 * {@value #MAX_ANSWERS_PER_DATAGRAM} times for good: the agent's copies of one attempt all carry the
 * same sequence number, so on links losing half the datagrams each way all eight answers were lost
 * for about 1 in 256 requests, and every further copy of the attempt, for the rest of its 5 s, was
 * dropped unanswered: issue 17, the 5 s stalls of the establishment benchmark.) The agent's next
 * attempt carries a new sequence number and is answered again.
 */
final class AnswerCache {

    /** How long a copy waits for the same request's answer being computed by another thread. */
    static final long WAIT_SECONDS = 30;
    /** How many times one datagram (device, sequence) is answered at most, whatever the sources. */
    static final int MAX_ANSWERS_PER_DATAGRAM = 8;
    /**
     * Beyond {@link #MAX_ANSWERS_PER_DATAGRAM}, the least time between two answers to one datagram:
     * about a retransmission round of the agent on a lossy cellular link (its RTO there is the round
     * trip and a quarter, 25-60 ms), so a request whose eight answers were all lost waits about one
     * more round, not four to eight (at 200 ms, 3 establishments in 10,000 at 50 % loss took 1.3 to
     * 2 s), while a replayed datagram with a spoofed source gets at most 20 answers a second (and
     * no more than its device's flood limit lets through).
     */
    static final long ANSWER_REFILL_MILLIS = 50;
    /** How many sequence numbers of one request are tracked at most; copies of further ones get nothing. */
    static final int MAX_SEQUENCES_PER_REQUEST = 32;

    private final long ttlMillis;
    private final int capacity;
    private final Counters counters;
    private final ConcurrentHashMap<Object, Entry> answers = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Entry> order = new ConcurrentLinkedQueue<>();
    private final ReentrantLock evicting = new ReentrantLock();

    private record Key(DeviceId device, long transactionId) {
    }

    /**
     * One request's answer; {@code retryable} is set, before the answer completes, for a transient
     * refusal; {@code answered} counts the copies given the answer, by sequence number.
     */
    record Entry(Object key, long createdMillis, CompletableFuture<Optional<byte[]>> answer, AtomicBoolean retryable,
                 Map<Long, long[]> answered) {
        Entry(Object key, long createdMillis) {
            this(key, createdMillis, new CompletableFuture<>(), new AtomicBoolean(), new HashMap<>(4));
        }

        boolean retryableNow() {
            return answer.isDone() && retryable.get();
        }

        /**
         * Counts a copy of datagram {@code sequence} that gets the answer at {@code now}: one of the
         * first {@value #MAX_ANSWERS_PER_DATAGRAM}, or one at least {@value #ANSWER_REFILL_MILLIS} ms
         * after the datagram's last answer. @return false if it may not
         */
        boolean admit(long sequence, long now) {
            synchronized (answered) {
                long[] copies = answered.get(sequence);   // {answers so far, time of the last}
                if (copies == null) {
                    if (answered.size() >= MAX_SEQUENCES_PER_REQUEST) {
                        return false;
                    }
                    answered.put(sequence, new long[] {1, now});
                    return true;
                }
                if (copies[0] >= MAX_ANSWERS_PER_DATAGRAM && now - copies[1] < ANSWER_REFILL_MILLIS) {
                    return false;
                }
                copies[0]++;
                copies[1] = now;
                return true;
            }
        }
    }

    /**
     * What a received copy of a request gets: a slot of its own to answer, another copy's slot to
     * wait for, or neither (both null: drop it).
     */
    record Claim(Entry mine, Entry copyOf) {
        static final Claim NONE = new Claim(null, null);
    }

    /**
     * @param ttl      how long an answer is kept
     * @param capacity how many answers are kept at most
     * @param counters where duplicates are counted
     */
    AnswerCache(Duration ttl, int capacity, Counters counters) {
        if (capacity < 1) {
            throw new IllegalArgumentException("answer capacity must be positive");
        }
        this.ttlMillis = ttl.toMillis();
        this.capacity = capacity;
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    /**
     * Finds the slot of an earlier copy of the request or reserves one. Call it in the same step as
     * the replay window's verdict on this copy (under the device's lock), so a copy judged DUPLICATE
     * always finds the first copy's slot; the lock also keeps two copies from both claiming (a
     * request without such a lock: {@link #claimOrCopy}). A slot of one's own must then be
     * {@link #track tracked}.
     *
     * @param sequence this copy's sequence number
     * @param isNew    whether the replay window judged this copy NEW (else DUPLICATE)
     * @param now      the time, in milliseconds
     */
    Claim claim(DeviceId device, long transactionId, long sequence, boolean isNew, long now) {
        return claim(new Key(device, transactionId), sequence, isNew, now);
    }

    private Claim claim(Key key, long sequence, boolean isNew, long now) {
        Entry existing = answers.get(key);
        boolean retry = false;
        if (existing != null && existing.answer().isDone()
                && (existing.retryableNow() || now - existing.createdMillis() > ttlMillis)) {
            answers.remove(key, existing);
            retry = existing.retryableNow() && now - existing.createdMillis() <= ttlMillis;
            existing = null;
        }
        if (existing != null) {
            // another copy of this request: over another link, or retransmitted with a new sequence
            if (!existing.admit(sequence, now)) {
                counters.increment("dropped.answer-limit");
                return Claim.NONE;
            }
            return new Claim(null, existing);
        }
        if (isNew || retry) {
            Entry mine = new Entry(key, now);
            mine.admit(sequence, now);
            answers.put(key, mine);
            return new Claim(mine, null);
        }
        counters.increment("dropped.duplicate");   // its answer expired or was evicted
        return Claim.NONE;
    }

    /**
     * For a request that no lock orders (an ENROL, known by its whole datagram, whose copies arrive
     * on several workers at once), in one atomic step: the slot of a copy already in work or answered
     * for good (not a transient refusal, not expired), counted against the datagram's answers
     * ({@link Claim#NONE} beyond them); else a slot of one's own, if {@code mayClaim} says this copy
     * may be worked on (e.g. rate limits that copies need not pass; asked only then, and while the
     * step holds the key, so of copies racing one claims and the others wait for its answer); else
     * {@link Claim#NONE}, nothing kept. A slot of one's own must then be {@link #track tracked}.
     * {@code mayClaim} must be short and must not use this cache.
     */
    Claim claimOrCopy(Object key, long sequence, long now, BooleanSupplier mayClaim) {
        Claim[] claim = {Claim.NONE};   // stays NONE if the copy is answered often enough or mayClaim refuses
        boolean[] answerLimit = {false};
        answers.compute(key, (k, existing) -> {
            if (existing != null && !existing.retryableNow()
                    && !(existing.answer().isDone() && now - existing.createdMillis() > ttlMillis)) {
                if (existing.admit(sequence, now)) {
                    claim[0] = new Claim(null, existing);
                } else {
                    answerLimit[0] = true;
                }
                return existing;
            }
            if (!mayClaim.getAsBoolean()) {
                return existing;   // as it was: a transient or expired answer, or none
            }
            Entry mine = new Entry(key, now);
            mine.admit(sequence, now);
            claim[0] = new Claim(mine, null);
            return mine;
        });
        if (answerLimit[0]) {
            counters.increment("dropped.answer-limit");
        }
        return claim[0];
    }

    /** Keeps a claimed slot in the eviction order and drops what is beyond the capacity or expired. */
    void track(Entry mine) {
        order.add(mine);
        evict(mine.createdMillis());
    }

    /**
     * Completes a claimed slot: every waiting copy gets {@code answer}.
     *
     * @param retryable the answer is a transient refusal: the next copy is processed afresh
     */
    void complete(Entry mine, Optional<byte[]> answer, boolean retryable) {
        // Marked before completing, so whoever sees the answer done also sees the mark.
        mine.retryable().set(retryable);
        mine.answer().complete(answer);
    }

    /** The first copy's answer, once it is there (at most {@value #WAIT_SECONDS} s later). */
    CompletableFuture<Optional<byte[]>> answerAgain(Entry cached) {
        return cached.answer().copy().orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).handle((answer, failure) -> {
            if (failure != null) {
                counters.increment("dropped.timeout");
                return Optional.empty();
            }
            counters.increment(answer.isPresent() ? "answered.duplicate" : "dropped.duplicate");
            return answer;
        });
    }

    /** Whether {@code answer} is a refusal that may succeed on a retry (store unavailable, internal error, not serving). */
    static boolean isTransient(Message answer) {
        if (!(answer instanceof Nak nak)) {
            return false;
        }
        Reason reason = nak.reason();
        return reason == Reason.STORE_UNAVAILABLE || reason == Reason.INTERNAL || reason == Reason.NOT_SERVING;
    }

    /** Answers kept now. */
    int size() {
        return answers.size();
    }

    /**
     * Drops the oldest answers beyond the capacity or the time to live. One thread at a time does
     * it (the others go on; the next request evicts again): with several, each would find the head
     * it saw taken by another and search the whole queue for it.
     */
    private void evict(long now) {
        if (!evicting.tryLock()) {
            return;
        }
        try {
            Entry head;
            while ((head = order.peek()) != null && (answers.size() > capacity || now - head.createdMillis() > ttlMillis)) {
                order.poll(); // the head just seen: only the holder of the lock takes from the queue
                answers.remove(head.key(), head);
            }
        } finally {
            evicting.unlock();
        }
    }
}
