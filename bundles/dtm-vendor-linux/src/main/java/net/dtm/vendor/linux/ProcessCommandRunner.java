package net.dtm.vendor.linux;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link CommandRunner} over {@link ProcessBuilder}: output is drained by two reader threads so a
 * chatty program never blocks, the wait is bounded and a program that overruns is killed together
 * with its children.
 */
final class ProcessCommandRunner implements CommandRunner {

    /** Output beyond this is refused rather than held in memory on a small router. */
    static final int MAX_OUTPUT_BYTES = 32 * 1024 * 1024;
    /**
     * How long to wait for the output pipes to close after the program exited: a daemon it started
     * may have inherited them (wireguard-go does not, but a badly behaved tool could).
     */
    private static final long DRAIN_MILLIS = 2000;

    @Override
    public Result run(Command command) throws IOException, TimeoutException {
        ProcessBuilder builder = new ProcessBuilder(command.argv());
        command.unsetEnvironment().forEach(builder.environment()::remove);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("error=2,") || message.contains("No such file")) {
                throw new NoSuchFileException(command.argv().get(0));
            }
            throw e;
        }
        Drain out = Drain.start(process.getInputStream(), "stdout of " + command.argv().get(0));
        Drain err = Drain.start(process.getErrorStream(), "stderr of " + command.argv().get(0));
        feed(process.getOutputStream(), command.stdin(), command.argv().get(0));
        boolean finished;
        try {
            finished = process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + command.display(), e);
        }
        if (!finished) {
            kill(process);
            throw new TimeoutException(command.display() + " did not finish within " + command.timeout().toMillis()
                    + " ms and was killed");
        }
        String stdout = out.await();
        String stderr = err.await();
        return new Result(process.exitValue(), stdout, stderr);
    }

    /**
     * Writes the input on a thread of its own, so that a program that never reads it cannot hold
     * the caller beyond the timeout.
     */
    private static void feed(OutputStream stdin, String text, String program) {
        Thread writer = new Thread(() -> {
            try (stdin) {
                stdin.write(text.getBytes(StandardCharsets.UTF_8));
            } catch (IOException programClosedItsInput) {
                // It exited or stopped reading early; its exit code and stderr tell why.
            }
        }, "dtm-linux stdin of " + program);
        writer.setDaemon(true);
        writer.start();
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Reads one stream to its end on a thread of its own. */
    private static final class Drain {
        private final Thread thread;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final AtomicReference<IOException> failure = new AtomicReference<>();
        private final InputStream in;

        private Drain(InputStream in, String name) {
            this.in = in;
            this.thread = new Thread(this::pump, "dtm-linux " + name);
            this.thread.setDaemon(true);
        }

        static Drain start(InputStream in, String name) {
            Drain d = new Drain(in, name);
            d.thread.start();
            return d;
        }

        private void pump() {
            byte[] chunk = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    synchronized (buffer) {
                        if (buffer.size() + n > MAX_OUTPUT_BYTES) {
                            failure.set(new IOException("output larger than " + MAX_OUTPUT_BYTES + " bytes"));
                            return;
                        }
                        buffer.write(chunk, 0, n);
                    }
                }
            } catch (IOException e) {
                failure.compareAndSet(null, e);
            }
        }

        String await() throws IOException {
            try {
                thread.join(DRAIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading output", e);
            }
            if (thread.isAlive()) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // closing only unblocks the reader
                }
            }
            IOException e = failure.get();
            if (e != null) {
                throw e;
            }
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
