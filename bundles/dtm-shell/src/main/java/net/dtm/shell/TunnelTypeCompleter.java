package net.dtm.shell;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import net.dtm.api.TunnelType;

/** Completes tunnel type names (vxlan, gre, ipip, wireguard). */
@Service
public class TunnelTypeCompleter implements Completer {

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(Arrays.stream(TunnelType.values()).map(t -> t.name().toLowerCase(Locale.ROOT)).toList())
                .complete(session, commandLine, candidates);
    }
}
