package net.dtm.shell;

import java.time.Clock;
import java.time.Instant;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.CommandException;

import net.dtm.api.EnrolmentKey;
import net.dtm.api.EnrolmentService;

/**
 * Common plumbing of the {@code enrolment:} commands: the enrolment service (absent on an
 * agent-only node), its refusals (a bad argument, an unknown key) as one-line errors starting with
 * {@link #refusal()}, and what a key's state is now.
 */
abstract class EnrolmentCommand extends DtmCommand {

    static final String SERVICE = "The enrolment service";
    static final String FEATURE = "dtm-server";

    @Reference(optional = true)
    EnrolmentService enrolment;

    /** Decides which keys count as expired; tests set a fixed clock. */
    Clock clock = Clock.systemUTC();

    /** The command's work on a present service. */
    abstract void run(EnrolmentService service) throws Exception;

    @Override
    public final Object execute() throws Exception {
        return auditedRun(() -> run(require(enrolment, SERVICE, FEATURE)));
    }

    /** The key of that id, or an error saying there is none (a malformed id included). */
    EnrolmentKey key(EnrolmentService service, String id) throws CommandException {
        if (!EnrolmentKey.isValidId(id)) {
            throw refused("'" + id + "' is not an enrolment key id (4 to 32 lower-case letters or digits; see enrolment:list)");
        }
        return service.key(id).orElseThrow(() -> refused("no enrolment key '" + id + "'"));
    }

    /** {@code revoked}, {@code expired}, {@code used-up} or {@code active}, in that order of precedence. */
    static String state(EnrolmentKey key, Instant now) {
        if (key.revoked()) {
            return "revoked";
        }
        if (!now.isBefore(key.expiresAt())) {
            return "expired";
        }
        return key.usedUp() ? "used-up" : "active";
    }

    /** {@code 2/5}, or {@code 2/unlimited} for a key without a use limit. */
    static String uses(EnrolmentKey key) {
        return key.uses() + "/" + (key.maxUses() == 0 ? "unlimited" : Integer.toString(key.maxUses()));
    }
}
