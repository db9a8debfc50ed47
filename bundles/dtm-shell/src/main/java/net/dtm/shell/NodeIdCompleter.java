package net.dtm.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import net.dtm.api.ClusterService;
import net.dtm.api.NodeInfo;

/** Completes node ids; completes nothing where no cluster service runs or it cannot be read. */
@Service
public class NodeIdCompleter implements Completer {

    @Reference(optional = true)
    ClusterService cluster;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter();
        if (cluster != null) {
            try {
                cluster.nodes().stream().map(NodeInfo::id).forEach(delegate.getStrings()::add);
            } catch (RuntimeException e) {
                // nothing to offer
            }
        }
        return delegate.complete(session, commandLine, candidates);
    }
}
