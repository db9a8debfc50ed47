package net.dtm.vendor.linux;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Runs one program and waits for it, within a time limit. The seam between the adapter's logic and
 * the operating system: tests give the adapter a fake that records the commands and answers with
 * recorded outputs.
 */
interface CommandRunner {

    /**
     * One program to run.
     *
     * @param argv       program (an absolute path or a name) and its arguments
     * @param stdin      text written to its standard input, then closed
     * @param timeout    how long it may run before it is killed
     * @param unsetEnvironment environment variables removed before it starts
     */
    record Command(List<String> argv, String stdin, Duration timeout, Set<String> unsetEnvironment) {
        public Command {
            argv = List.copyOf(argv);
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("no program to run");
            }
            Objects.requireNonNull(stdin, "stdin");
            Objects.requireNonNull(timeout, "timeout");
            unsetEnvironment = Set.copyOf(unsetEnvironment);
        }

        /** The command line as one string, for logs and messages. */
        String display() {
            return String.join(" ", argv);
        }
    }

    /**
     * What the program did. {@link #toString()} leaves standard output out: {@code wg show dump}
     * prints a private key there.
     */
    record Result(int exitCode, String stdout, String stderr) {
        public Result {
            Objects.requireNonNull(stdout, "stdout");
            Objects.requireNonNull(stderr, "stderr");
        }

        @Override
        public String toString() {
            return "exit " + exitCode + (stderr.isBlank() ? "" : ": " + stderr.strip());
        }
    }

    /**
     * Runs {@code command} to its end.
     *
     * @throws NoSuchFileException if the program does not exist
     * @throws TimeoutException    if it ran longer than its timeout (it has been killed)
     * @throws IOException         if it could not be started or its output not read
     */
    Result run(Command command) throws IOException, TimeoutException;
}
