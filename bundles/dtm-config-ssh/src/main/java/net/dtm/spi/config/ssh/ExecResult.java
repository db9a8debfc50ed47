package net.dtm.spi.config.ssh;

import java.util.Objects;

/**
 * What a command run on an exec channel printed and how it ended.
 *
 * @param exitStatus the command's exit status (0 = success)
 * @param stdout     standard output, as UTF-8
 * @param stderr     standard error, as UTF-8
 */
public record ExecResult(int exitStatus, String stdout, String stderr) {
    public ExecResult {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    /** True when the command ended with status 0. */
    public boolean ok() {
        return exitStatus == 0;
    }
}
