package net.dtm.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.ApiKeyService;

/** {@code apikey:delete}: a key is gone for good. */
@Service
@Command(scope = "apikey", name = "delete", description = "Deletes an API key for good (it stops working and is no longer listed)")
public class ApiKeyDeleteCommand extends ApiKeyCommand {

    @Argument(index = 0, name = "id", required = true, description = "The key's id (apikey:list)")
    String id;

    @Override
    String refusal() {
        return "API key not deleted";
    }

    @Override
    void run(ApiKeyService service) {
        if (!service.delete(id.trim())) {
            throw new IllegalArgumentException("there is no API key " + id.trim());
        }
        out().println("API key " + id.trim() + " deleted.");
    }
}
