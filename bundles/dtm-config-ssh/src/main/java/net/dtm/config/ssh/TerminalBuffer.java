package net.dtm.config.ssh;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a shell channel printed since the last {@link #clear()}, decoded as UTF-8, filled by sshd's
 * I/O thread through {@link #sink()} and read by the thread waiting for a prompt. Guarded by one
 * lock; the condition is signalled on every write and when the channel closes. A waiter looks only
 * at the current line ({@link Snapshot#currentLine()}), so a long output costs linear time.
 */
final class TerminalBuffer {

    /**
     * A consistent view of the buffer.
     *
     * @param currentLine   the raw text after the last line feed: where a prompt or pager marker shows
     * @param version       changes with every write and clear
     * @param lastByteNanos {@link System#nanoTime()} of the last write
     * @param closed        the channel has closed
     */
    record Snapshot(String currentLine, long version, long lastByteNanos, boolean closed) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final StringBuilder text = new StringBuilder();
    private ByteBuffer undecoded = ByteBuffer.allocate(0);
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
            text.setLength(0);
            undecoded = ByteBuffer.allocate(0);
            decoder.reset();
            version++;
        } finally {
            lock.unlock();
        }
    }

    /** Everything printed since the last {@link #clear()}. */
    String text() {
        lock.lock();
        try {
            return text.toString();
        } finally {
            lock.unlock();
        }
    }

    /** As {@link #text()}, or null if the buffer is no longer at {@code version}. */
    String textAt(long version) {
        lock.lock();
        try {
            return this.version == version ? text.toString() : null;
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
            ByteBuffer in = ByteBuffer.allocate(undecoded.remaining() + len);
            in.put(undecoded).put(b, off, len).flip();
            CharBuffer out = CharBuffer.allocate(in.remaining());
            decoder.decode(in, out, false);
            text.append(out.flip());
            // an incomplete UTF-8 sequence at the end waits for its next bytes
            undecoded = ByteBuffer.allocate(in.remaining()).put(in).flip();
            version++;
            lastByteNanos = System.nanoTime();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private Snapshot current() {
        return new Snapshot(text.substring(text.lastIndexOf("\n") + 1), version, lastByteNanos, closed);
    }
}
