package net.dtm.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import net.dtm.api.DeviceService;

/** Completes enrolled device ids; completes nothing where no device registry runs. */
@Service
public class DeviceIdCompleter implements Completer {

    @Reference(optional = true)
    DeviceService devices;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter();
        if (devices != null) {
            devices.devices().forEach(d -> delegate.getStrings().add(d.device().value()));
        }
        return delegate.complete(session, commandLine, candidates);
    }
}
