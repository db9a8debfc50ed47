package net.dtm.shell;

import java.io.IOException;
import java.time.Duration;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import net.dtm.api.Durations;
import net.dtm.api.EnrolmentKey;
import net.dtm.api.EnrolmentService;

/**
 * {@code enrolment:create}: makes an enrolment key for a batch of routers and hands out its token
 * this one time, printed or in a new mode-600 file. Single use unless told otherwise.
 */
@Service
@Command(scope = "enrolment", name = "create", description = "Makes an enrolment key: routers whose device id matches "
        + "--devices enrol themselves with its token (single use unless --uses or --reusable). The token is printed "
        + "once, or written to a new mode-600 file with --token-file; it is never shown again")
public class EnrolmentCreateCommand extends EnrolmentCommand {

    static final String DEFAULT_VALIDITY = "7d";

    @Option(name = "-l", aliases = "--label", description = "A note for enrolment:list, e.g. 'depot north buses'")
    String label;

    @Option(name = "-d", aliases = "--devices", description = "Device ids it may enrol: a pattern with * and ? "
            + "wildcards, e.g. bus-* (default: any id)")
    String devices;

    @Option(name = "-p", aliases = "--pool", description = "The pool its devices are told to use (default: the server's default pool)")
    @Completion(PoolNameCompleter.class)
    String pool;

    @Option(name = "-u", aliases = "--uses", description = "How many routers it may enrol (default 1: single use)")
    Integer uses;

    @Option(name = "-r", aliases = "--reusable", description = "No limit on the number of routers it enrols (until it "
            + "expires or is revoked)")
    boolean reusable;

    @Option(name = "-e", aliases = "--expires", description = "How long it enrols: 90s, 15m, 2h, 7d (default) or PT1H")
    String expires = DEFAULT_VALIDITY;

    @Option(name = "-f", aliases = "--token-file", description = "Write the token to this new file (mode 600) instead of "
            + "printing it; an existing file is never overwritten")
    String tokenFile;

    @Override
    String refusal() {
        return "Enrolment key not created";
    }

    @Override
    void run(EnrolmentService service) throws Exception {
        int maxUses = maxUses();
        Duration validity = validity();
        String pattern = devices == null ? "*" : EnrolmentKey.checkPattern(devices);
        TokenFile file = tokenFile == null ? null : TokenFile.reserve(tokenFile, refusal());
        EnrolmentService.Created created;
        try {
            created = service.create(label == null ? "" : label, pattern, pool == null ? "" : pool, maxUses, validity);
        } catch (RuntimeException e) {
            if (file != null) {
                file.discard();
            }
            throw e;
        }
        EnrolmentKey key = created.key();
        if (file != null) {
            try {
                file.write(created.token());
            } catch (IOException e) {
                file.discard();
                boolean deleted = service.delete(key.id());
                throw refused("cannot write the token to " + file.path() + ": " + e.getMessage() + "; the key "
                        + key.id() + (deleted ? " was deleted again" : " could not be deleted: revoke it (enrolment:revoke "
                        + key.id() + ")"));
            }
        }
        out().println("Enrolment key " + key.id() + " created" + (key.label().isEmpty() ? "" : " (" + key.label() + ")")
                + ": devices " + key.devicePattern() + ", pool " + (key.pool().isEmpty() ? "(server default)" : key.pool())
                + ", " + usesText(key.maxUses()) + ", expires " + time(key.expiresAt()) + ".");
        if (file != null) {
            out().println("Its token is in " + file.path() + " (mode 600): put that file on the routers (enrol.key.file of "
                    + "net.dtm.agent). It is not shown again.");
        } else {
            out().println("Token: " + created.token());
            out().println("Warning: the token is shown only this once. Store it on the routers now (a mode-600 file named "
                    + "by enrol.key.file of net.dtm.agent); anyone holding it can enrol matching routers until it expires "
                    + "or is revoked.");
        }
    }

    private int maxUses() throws CommandException {
        if (reusable && uses != null) {
            throw refused("give --uses or --reusable, not both");
        }
        if (reusable) {
            return 0;
        }
        if (uses == null) {
            return 1;
        }
        if (uses < 1) {
            throw refused("--uses must be at least 1 (--reusable for no limit): " + uses);
        }
        return uses;
    }

    private Duration validity() throws CommandException {
        Duration d = Durations.parse(expires);
        if (d.isZero() || d.compareTo(EnrolmentService.MAX_VALIDITY) > 0) {
            throw refused("--expires must be more than 0 and at most " + EnrolmentService.MAX_VALIDITY.toDays() + "d: " + expires);
        }
        return d;
    }

    private static String usesText(int maxUses) {
        return maxUses == 0 ? "reusable without limit" : maxUses == 1 ? "single use" : "up to " + maxUses + " routers";
    }
}
