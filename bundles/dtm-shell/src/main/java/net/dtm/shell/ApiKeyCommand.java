package net.dtm.shell;

import java.time.Clock;

import org.apache.karaf.shell.api.action.lifecycle.Reference;

import net.dtm.api.ApiKeyService;

/**
 * Common plumbing of the {@code apikey:} commands: the API key service of the HTTP API (feature
 * dtm-http; absent, the commands say so), its refusals as one-line errors starting with
 * {@link #refusal()}.
 */
abstract class ApiKeyCommand extends DtmCommand {

    static final String SERVICE = "The API key service";
    static final String FEATURE = "dtm-http";

    @Reference(optional = true)
    ApiKeyService apiKeys;

    /** Decides which keys count as expired; tests set a fixed clock. */
    Clock clock = Clock.systemUTC();

    /** The command's work on a present service. */
    abstract void run(ApiKeyService service) throws Exception;

    @Override
    public final Object execute() throws Exception {
        return auditedRun(() -> run(require(apiKeys, SERVICE, FEATURE)));
    }
}
