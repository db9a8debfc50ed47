package net.dtm.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import net.dtm.api.EnrolmentKey;
import net.dtm.api.EnrolmentService;

/** Completes enrolment key ids; completes nothing where no enrolment service runs or it cannot be read. */
@Service
public class EnrolmentIdCompleter implements Completer {

    @Reference(optional = true)
    EnrolmentService enrolment;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter();
        if (enrolment != null) {
            try {
                enrolment.keys().stream().map(EnrolmentKey::id).forEach(delegate.getStrings()::add);
            } catch (RuntimeException e) {
                // nothing to offer
            }
        }
        return delegate.complete(session, commandLine, candidates);
    }
}
