package net.dtm.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import net.dtm.api.config.ConfigurationService;
import net.dtm.api.config.EndView;

/** Completes the tunnel ends this node configures; nothing where the configuration module is absent or fails. */
@Service
public class EndNameCompleter implements Completer {

    @Reference(optional = true)
    ConfigurationService config;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter();
        if (config != null) {
            try {
                config.ends().stream().map(EndView::end).forEach(delegate.getStrings()::add);
            } catch (RuntimeException e) {
                // nothing to offer
            }
        }
        return delegate.complete(session, commandLine, candidates);
    }
}
