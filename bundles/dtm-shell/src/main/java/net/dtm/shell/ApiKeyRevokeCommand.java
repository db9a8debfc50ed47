package net.dtm.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.ApiKeyService;

/** {@code apikey:revoke}: a key stops working, and stays listed. */
@Service
@Command(scope = "apikey", name = "revoke", description = "Revokes an API key: it stops working at once and stays listed as revoked")
public class ApiKeyRevokeCommand extends ApiKeyIdCommand {

    @Override
    String done() {
        return "revoked";
    }

    @Override
    boolean apply(ApiKeyService service, String keyId) {
        return service.revoke(keyId);
    }
}
