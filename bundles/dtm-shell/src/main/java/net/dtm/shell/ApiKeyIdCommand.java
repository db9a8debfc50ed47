package net.dtm.shell;

import org.apache.karaf.shell.api.action.Argument;

import net.dtm.api.ApiKeyService;

/** Common plumbing of {@code apikey:revoke} and {@code apikey:delete}: one key, named by its id. */
abstract class ApiKeyIdCommand extends ApiKeyCommand {

    @Argument(index = 0, name = "id", required = true, description = "The key's id (apikey:list)")
    String id;

    /** What the command does to the key, in the past tense: {@code revoked}. */
    abstract String done();

    /** Does it; false if there is no such key. */
    abstract boolean apply(ApiKeyService service, String keyId);

    @Override
    String refusal() {
        return "API key not " + done();
    }

    @Override
    void run(ApiKeyService service) {
        String keyId = id.trim();
        if (!apply(service, keyId)) {
            throw new IllegalArgumentException("there is no API key " + keyId);
        }
        out().println("API key " + keyId + " " + done() + ".");
    }
}
