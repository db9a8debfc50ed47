package net.dtm.agent;

import static net.dtm.agent.AgentLog.LOG;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import net.dtm.api.TunnelEvent;
import net.dtm.api.TunnelListener;
import net.dtm.protocol.EnrolmentToken;

/**
 * The enrolment token file ({@code enrol.key.file}): one {@code dtmek1-...} token, as the operator
 * got it from {@code enrol:create}. A file readable by group or others is set to mode 600 with a
 * warning. The token is never logged.
 */
final class TokenFile {

    private TokenFile() {
    }

    /**
     * Reads the token in {@code file}.
     *
     * @throws IOException              if it cannot be read (or its mode cannot be tightened)
     * @throws IllegalArgumentException naming the file if it does not hold a token (never echoing the secret)
     */
    static EnrolmentToken read(Path file) throws IOException {
        if (PrivateFiles.tighten(file)) {
            LOG.warn("enrolment token file {} was readable by group or others: its mode is now 600", file);
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        try {
            return EnrolmentToken.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("enrolment token file " + file + " does not hold an enrolment token ("
                    + e.getMessage() + "); expected the dtmek1-... text that enrol:create printed", e);
        }
    }

    /**
     * Deletes the token file once {@code agent} has established its first tunnel: the enrolment key
     * {@code used} is used up, the file is of no more use and is a secret less on the router. A file
     * that meanwhile holds another token (or none) is left as it is.
     */
    static void deleteAfterEstablishment(TunnelAgent agent, Path file, EnrolmentToken used) {
        agent.addTunnelListener(new TunnelListener() {
            @Override
            public void tunnelChanged(TunnelEvent event) {
                if (event.type() != TunnelEvent.Type.ESTABLISHED) {
                    return;
                }
                agent.removeTunnelListener(this);
                delete(file, used);
            }
        });
    }

    private static void delete(Path file, EnrolmentToken used) {
        try {
            if (!Files.isRegularFile(file) || !read(file).id().equals(used.id())) {
                LOG.info("enrolment token file {} no longer holds the used-up enrolment key {}: left as it is", file,
                        used.id());
                return;
            }
            Files.delete(file);
            LOG.info("enrolment token file {} deleted: enrolment key {} is used up and the tunnel is established", file,
                    used.id());
        } catch (IOException | RuntimeException e) {
            LOG.warn("enrolment token file {} not deleted (enrolment key {} is used up; delete the file by hand): {}",
                    file, used.id(), e.getMessage());
        }
    }
}
