package net.dtm.shell;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.CommandException;

/**
 * Common plumbing of the DTM commands: where output goes and how a missing service is reported.
 * Every api service is referenced as optional so that all commands register on agent-only nodes
 * and on server nodes alike; a command whose service is absent says so instead of vanishing.
 */
abstract class DtmCommand implements Action {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    @Reference
    Session session;

    /** Set by tests; in Karaf the session's console is used. */
    PrintStream out;

    PrintStream out() {
        if (out != null) {
            return out;
        }
        return session.getConsole();
    }

    /**
     * What did not happen when the command fails, e.g. {@code Pool not created}; it starts every
     * error message. Null for read-only commands: the message alone.
     */
    String refusal() {
        return null;
    }

    /**
     * Writes the audit line of a command that changes something (one whose {@link #refusal()} is
     * not null): the operator and the command line without secrets ({@link AdminAudit}). Every
     * such command calls it first thing in {@code execute()}; read-only commands log nothing.
     */
    void audit() {
        if (refusal() != null) {
            AdminAudit.log(AdminAudit.currentOperator(), this);
        }
    }

    /** The work of a command, once its arguments are parsed. */
    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }

    /**
     * Audits the command ({@link #audit()}), then runs {@code work}, turning a refusal of the
     * request (IllegalArgumentException, IllegalStateException or UnsupportedOperationException from
     * a service or a parser: a bad argument, an unknown name, an operation the node cannot do) into
     * a one-line error ({@link #refused}).
     */
    final Object auditedRun(Work work) throws Exception {
        audit();
        try {
            work.run();
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            throw refused(e.getMessage());
        }
        return null;
    }

    /** A one-line error: {@code <refusal>: <message>}, or the message alone. */
    CommandException refused(String message) {
        String r = refusal();
        if (r == null) {
            return new CommandException(message.isEmpty() ? message
                    : Character.toUpperCase(message.charAt(0)) + message.substring(1));
        }
        return new CommandException(r + ": " + message);
    }

    /** Returns {@code service} or fails with a message naming the feature that provides it. */
    static <T> T require(T service, String what, String feature) throws CommandException {
        if (service == null) {
            throw new CommandException(what + " is not available on this node (is feature " + feature
                    + " installed and started?)");
        }
        return service;
    }

    static String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }
}
