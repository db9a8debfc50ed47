package net.dtm.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import net.dtm.api.config.ConfigurationService;

/**
 * Completes the history numbers of the end typed before the cursor ({@code config:rollback dtm0 <TAB>}):
 * the first word after the command name that is not an option. Nothing when there is none.
 */
@Service
public class HistoryNumberCompleter implements Completer {

    @Reference(optional = true)
    ConfigurationService config;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter();
        String end = end(commandLine);
        if (config != null && end != null) {
            try {
                config.history(end).forEach(t -> delegate.getStrings().add(Integer.toString(t.number())));
            } catch (RuntimeException e) {
                // unknown end or unreadable history: nothing to offer
            }
        }
        return delegate.complete(session, commandLine, candidates);
    }

    /** The end argument: the first non-option word between the command name and the cursor. */
    static String end(CommandLine commandLine) {
        String[] args = commandLine.getArguments();
        int cursor = Math.min(commandLine.getCursorArgumentIndex(), args.length);
        for (int i = 1; i < cursor; i++) {
            if (!args[i].startsWith("-")) {
                return args[i];
            }
        }
        return null;
    }
}
