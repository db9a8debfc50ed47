package net.dtm.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.ApiKeyService;

/** {@code apikey:delete}: a key is gone for good. */
@Service
@Command(scope = "apikey", name = "delete", description = "Deletes an API key for good (it stops working and is no longer listed)")
public class ApiKeyDeleteCommand extends ApiKeyIdCommand {

    @Override
    String done() {
        return "deleted";
    }

    @Override
    boolean apply(ApiKeyService service, String keyId) {
        return service.delete(keyId);
    }
}
