package net.dtm.config.ssh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a shell channel printed since the last {@link #clear()}, filled by sshd's I/O thread through
 * {@link #sink()} and read by the thread waiting for a prompt. Guarded by one lock; the condition
 * is signalled on every byte and when the channel closes.
 */
final class TerminalBuffer {

    /** A consistent view of the buffer. */
    record Snapshot(String text, long version, long lastByteNanos, boolean closed) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private long version;
    private long lastByteNanos = System.nanoTime();
    private boolean closed;

    /** The stream sshd writes the channel's output to. */
    OutputStream sink() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                append(b, off, len);
            }
        };
    }

    /** Marks the channel closed: waiters wake up at once. */
    void closed() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Forgets the output so far (before sending the next line). */
    void clear() {
        lock.lock();
        try {
            bytes.reset();
            version++;
        } finally {
            lock.unlock();
        }
    }

    /** The buffer now. */
    Snapshot snapshot() {
        lock.lock();
        try {
            return current();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the buffer differs from version {@code seen}, the channel closes, or
     * {@code nanos} pass; returns the buffer then.
     */
    Snapshot awaitChange(long seen, long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (version == seen && !closed && left > 0) {
                left = changed.awaitNanos(left);
            }
            return current();
        } finally {
            lock.unlock();
        }
    }

    private void append(byte[] b, int off, int len) {
        lock.lock();
        try {
            bytes.write(b, off, len);
            version++;
            lastByteNanos = System.nanoTime();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private Snapshot current() {
        return new Snapshot(bytes.toString(StandardCharsets.UTF_8), version, lastByteNanos, closed);
    }
}
