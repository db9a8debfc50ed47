package net.dtm.agent;

import static net.dtm.agent.AgentLog.LOG;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import net.dtm.protocol.RouterKeyPair;

/**
 * This router's own long-term X25519 key pair ({@code router.key.file}): the private key is made at
 * first start and kept in the file, mode 600; it never leaves the router. Enrolment replies are
 * sealed to its public key, and a server recognises the router that enrolled a device by it.
 */
final class RouterKeyFile {

    private RouterKeyFile() {
    }

    /**
     * The key pair in {@code file}, created with a new key if the file does not exist. A file that
     * exists but holds no key is an error, and is left as it is.
     *
     * @throws IOException              if it cannot be read or written
     * @throws IllegalArgumentException naming the file if it holds no key
     */
    static RouterKeyPair loadOrCreate(Path file) throws IOException {
        boolean existed = Files.exists(file);
        if (existed && PrivateFiles.tighten(file)) {
            LOG.warn("router key file {} was readable by group or others: its mode is now 600", file);
        }
        byte[] raw;
        try {
            raw = X25519KeyFile.loadOrCreate(file, "router key file");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; it is left as it is: restore it, or move it away"
                    + " to have a new key made (the router then counts as a new router to the servers)", e);
        }
        if (!existed) {
            LOG.info("router key created: {} (mode 600; the private key never leaves this router)", file);
        }
        return RouterKeyPair.fromPrivateKey(raw);
    }
}
