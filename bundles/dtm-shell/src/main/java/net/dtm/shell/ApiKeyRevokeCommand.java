package net.dtm.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.ApiKeyService;

/** {@code apikey:revoke}: a key stops working, and stays listed. */
@Service
@Command(scope = "apikey", name = "revoke", description = "Revokes an API key: it stops working at once and stays listed as revoked")
public class ApiKeyRevokeCommand extends ApiKeyCommand {

    @Argument(index = 0, name = "id", required = true, description = "The key's id (apikey:list)")
    String id;

    @Override
    String refusal() {
        return "API key not revoked";
    }

    @Override
    void run(ApiKeyService service) {
        if (!service.revoke(id.trim())) {
            throw new IllegalArgumentException("there is no API key " + id.trim());
        }
        out().println("API key " + id.trim() + " revoked.");
    }
}
