package net.dtm.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.EnrolmentKey;
import net.dtm.api.EnrolmentService;

/**
 * {@code enrolment:delete}: removes the record of a key that enrols nothing more (revoked, expired
 * or used up), to tidy the list; an active key must be revoked first, so that deleting never is
 * the silent way to stop one.
 */
@Service
@Command(scope = "enrolment", name = "delete", description = "Deletes the record of an enrolment key that is revoked, "
        + "expired or used up (revoke an active key first); devices it enrolled keep their credentials")
public class EnrolmentDeleteCommand extends EnrolmentCommand {

    @Argument(index = 0, name = "id", required = true, description = "Enrolment key id (enrolment:list)")
    @Completion(EnrolmentIdCompleter.class)
    String id;

    @Override
    String refusal() {
        return "Enrolment key not deleted";
    }

    @Override
    void run(EnrolmentService service) throws Exception {
        EnrolmentKey key = key(service, id);
        String state = state(key, clock.instant());
        if (state.equals("active")) {
            throw refused("enrolment key " + key.id() + " is still active: revoke it first (enrolment:revoke " + key.id() + ")");
        }
        if (!service.delete(key.id())) {
            throw refused("no enrolment key '" + id + "'");
        }
        out().println("Enrolment key " + key.id() + " (" + state + ") deleted.");
    }
}
