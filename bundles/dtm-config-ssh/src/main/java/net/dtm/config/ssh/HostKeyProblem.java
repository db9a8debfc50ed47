package net.dtm.config.ssh;

import java.nio.file.Path;

/** Why a device's host key was not accepted; {@link #message} says what the operator should do. */
sealed interface HostKeyProblem {

    /** The operator-facing explanation for a connection to {@code where} ({@code host:port}). */
    String message(String where);

    /** The device offers another key than the one pinned. */
    record Changed(Path file, String pinned, String offered) implements HostKeyProblem {
        @Override
        public String message(String where) {
            return "host key of " + where + " changed: pinned " + pinned + ", device now offers " + offered
                    + "; if this router was replaced, remove its line from " + file + " and connect again";
        }
    }

    /** The known-hosts file could not be read, so the key could not be checked. */
    record Unreadable(Path file, String reason) implements HostKeyProblem {
        @Override
        public String message(String where) {
            return "cannot check the host key of " + where + ": known-hosts file " + file + " cannot be read ("
                    + reason + "); fix or remove the file (every device is then pinned again on its next connection)";
        }
    }

    /** A first key could not be recorded, so it was not trusted either. */
    record NotRecorded(Path file, String reason) implements HostKeyProblem {
        @Override
        public String message(String where) {
            return "cannot pin the host key of " + where + " in " + file + " (" + reason
                    + "): make the file and its directory writable by the user DTM runs as";
        }
    }
}
