package net.dtm.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import net.dtm.api.AddressPoolService;
import net.dtm.api.Pool;

/** Completes pool names; completes nothing where no pool service runs. */
@Service
public class PoolNameCompleter implements Completer {

    @Reference(optional = true)
    AddressPoolService pools;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter();
        if (pools != null) {
            pools.pools().stream().map(Pool::name).forEach(delegate.getStrings()::add);
        }
        return delegate.complete(session, commandLine, candidates);
    }
}
