package net.dtm.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.EnrolmentKey;
import net.dtm.api.EnrolmentService;

/** {@code enrolment:revoke}: the key enrols nothing more, on every node; devices it enrolled keep their credentials. */
@Service
@Command(scope = "enrolment", name = "revoke", description = "Revokes an enrolment key on every node: it enrols no "
        + "more routers; devices it enrolled keep their credentials")
public class EnrolmentRevokeCommand extends EnrolmentCommand {

    @Argument(index = 0, name = "id", required = true, description = "Enrolment key id (enrolment:list)")
    @Completion(EnrolmentIdCompleter.class)
    String id;

    @Override
    String refusal() {
        return "Enrolment key not revoked";
    }

    @Override
    void run(EnrolmentService service) throws Exception {
        EnrolmentKey key = key(service, id);
        if (service.revoke(key.id())) {
            out().println("Enrolment key " + key.id() + " revoked: it enrols no more routers. Devices it enrolled keep "
                    + "their credentials (device:disable or device:remove to stop one).");
        } else {
            out().println("Enrolment key " + key.id() + " was already revoked.");
        }
    }
}
