package net.dtm.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import net.dtm.api.LinkService;

/** Completes the ids of this device's links; completes nothing where no agent runs. */
@Service
public class LinkIdCompleter implements Completer {

    @Reference(optional = true)
    LinkService links;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter();
        if (links != null) {
            links.links().forEach(l -> delegate.getStrings().add(l.id()));
        }
        return delegate.complete(session, commandLine, candidates);
    }
}
