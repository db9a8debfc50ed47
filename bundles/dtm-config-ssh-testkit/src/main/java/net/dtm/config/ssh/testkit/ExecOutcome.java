package net.dtm.config.ssh.testkit;

/** What an emulated exec command printed and its exit status. */
public record ExecOutcome(int exitStatus, String stdout, String stderr) {

    /** Success with {@code stdout}. */
    public static ExecOutcome ok(String stdout) {
        return new ExecOutcome(0, stdout, "");
    }

    /** Failure with {@code status} and {@code stderr}. */
    public static ExecOutcome fail(int status, String stderr) {
        return new ExecOutcome(status, "", stderr);
    }
}
