package net.dtm.shell;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;

import net.dtm.api.DtmException;
import net.dtm.api.config.ConfigurationService;
import net.dtm.api.config.Transaction;

/**
 * Common plumbing of the {@code config:} and {@code vendor:} commands: the configuration service
 * (optional, so the commands register on nodes without the configuration module and say so when
 * run), a refusal of that service ({@link DtmException}) as a one-line error, who asked, and the
 * outcome of one run of the safe transaction.
 */
abstract class ConfigCommand extends DtmCommand {

    /** The error on a node without the configuration module. */
    static final String MISSING = "the configuration module (feature dtm-config) is not installed on this node";

    /**
     * What the confirm timeout is unless the configuration module is set otherwise; the api does not
     * carry the deadline of a held change, so the hint names this default.
     */
    static final int DEFAULT_CONFIRM_SECONDS = 120;

    @Reference(optional = true)
    ConfigurationService config;

    /** The operator's name; set by tests, otherwise the shell's logged-in user. */
    String user;

    /** The command's work against the configuration service. */
    abstract void run(ConfigurationService service) throws Exception;

    @Override
    public final Object execute() throws Exception {
        audit();
        if (config == null) {
            throw refused(MISSING);
        }
        try {
            run(config);
        } catch (DtmException e) {
            throw refused(e.getMessage() + " (" + e.reason().label() + ")");
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw refused(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        return null;
    }

    /** Who asked, as the history records it: {@code operator admin}. */
    String who() {
        String name = user;
        if (name == null) {
            name = AdminAudit.currentOperator();
        }
        return name == null || name.isBlank() ? "operator" : "operator " + name;
    }

    /**
     * Prints one run of the safe transaction: {@code headline: result, entry #n}, then what it
     * changed, why, whether a rollback restored the device, and for a held change how long the
     * operator has to confirm it.
     */
    void outcome(String headline, Transaction t) {
        String entry = t.number() > 0 ? "entry #" + t.number() : "no history entry";
        out().println(headline + ": " + ConfigRows.result(t.result()) + ", " + entry);
        Labelled lines = new Labelled("  ");
        lines.add("trigger", t.trigger());
        lines.add("changes", ConfigRows.diff(t.diff()));
        if (!t.commands().isEmpty()) {
            lines.add("commands", t.commands().size() + " sent");
        }
        if (!t.detail().isEmpty()) {
            lines.add("detail", t.detail());
        }
        if (t.result() == Transaction.Result.ROLLED_BACK) {
            lines.add("restored", t.restored() ? "yes: the device matches the snapshot taken before the change"
                    : "NO: the device does not match the snapshot taken before the change; check it");
        }
        lines.print(out());
        if (t.result() == Transaction.Result.PENDING_CONFIRM) {
            out().println("Run config:confirm " + t.end() + " within the confirm timeout (" + DEFAULT_CONFIRM_SECONDS
                    + " s unless configured otherwise: by " + time(t.time().plusSeconds(DEFAULT_CONFIRM_SECONDS))
                    + "), or the change is rolled back.");
        }
    }

    /** Label-and-value lines with the values aligned. */
    static final class Labelled {
        private final String indent;
        private final List<String[]> lines = new ArrayList<>();

        Labelled(String indent) {
            this.indent = indent;
        }

        void add(String label, Object value) {
            lines.add(new String[] {label, value == null ? "" : value.toString()});
        }

        void print(PrintStream out) {
            int width = lines.stream().mapToInt(l -> l[0].length()).max().orElse(0) + 2;
            for (String[] l : lines) {
                StringBuilder sb = new StringBuilder(indent).append(l[0]).append(':');
                sb.append(" ".repeat(width - l[0].length() - 1)).append(l[1]);
                out.println(sb.toString().stripTrailing());
            }
        }
    }
}
