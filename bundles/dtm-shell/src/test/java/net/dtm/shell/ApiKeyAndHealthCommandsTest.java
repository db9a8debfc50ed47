package net.dtm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;

import net.dtm.api.ApiKey;
import net.dtm.api.ApiKeyService;
import net.dtm.api.Health;
import net.dtm.api.HealthService;

/** apikey:create|list|revoke|delete over a fake ApiKeyService, and node:health over fake HealthServices. */
class ApiKeyAndHealthCommandsTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final Keys keys = new Keys();

    /** Keys in a list; secrets made up. */
    static final class Keys implements ApiKeyService {
        final List<ApiKey> list = new ArrayList<>();

        @Override
        public Created create(ApiKey.Role role, String label, Optional<Instant> expiresAt) {
            String id = String.format("k%011d", list.size() + 1);
            ApiKey k = new ApiKey(id, role, label, NOW, expiresAt, false);
            list.add(k);
            return new Created(k, "dtmak1-" + id + "-secret" + list.size());
        }

        @Override public List<ApiKey> keys() { return List.copyOf(list); }

        @Override
        public boolean revoke(String id) {
            for (int i = 0; i < list.size(); i++) {
                ApiKey k = list.get(i);
                if (k.id().equals(id)) {
                    list.set(i, new ApiKey(k.id(), k.role(), k.label(), k.createdAt(), k.expiresAt(), true));
                    return true;
                }
            }
            return false;
        }

        @Override public boolean delete(String id) { return list.removeIf(k -> k.id().equals(id)); }
        @Override public Optional<ApiKey> authenticate(String presented) { return Optional.empty(); }
    }

    private <T extends ApiKeyCommand> T wire(T c) {
        c.out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        c.apiKeys = keys;
        c.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return c;
    }

    private String output() {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void createPrintsTheKeyOnceWithItsRoleAndExpiry() throws Exception {
        ApiKeyCreateCommand c = wire(new ApiKeyCreateCommand());
        c.role = "Admin";
        c.label = "inventory sync";
        c.expires = "90d";
        c.execute();
        ApiKey k = keys.list.get(0);
        assertEquals(ApiKey.Role.ADMIN, k.role());
        assertEquals(Optional.of(NOW.plus(Duration.ofDays(90))), k.expiresAt());
        assertEquals("inventory sync", k.label());
        String[] lines = output().split("\\R");
        assertEquals("API key k00000000001 (admin) created, expires 2026-05-30 12:00:00Z. It is shown once; send it as "
                + "'Authorization: Bearer <key>':", lines[0]);
        assertEquals("dtmak1-k00000000001-secret1", lines[1]);

        ApiKeyCreateCommand bad = wire(new ApiKeyCreateCommand());
        bad.role = "root";
        CommandException e = assertThrows(CommandException.class, bad::execute);
        assertEquals("API key not created: role must be viewer or admin, got 'root'", e.getMessage());
        bad.role = "viewer";
        bad.expires = "soon";
        e = assertThrows(CommandException.class, bad::execute);
        assertTrue(e.getMessage().startsWith("API key not created: 'soon' is not a duration"), e.getMessage());
        assertEquals(1, keys.list.size());
    }

    @Test
    void listShowsStatesNeverSecretsAndRevokeAndDeleteNameUnknownIds() throws Exception {
        keys.create(ApiKey.Role.VIEWER, "grafana", Optional.empty());
        keys.create(ApiKey.Role.ADMIN, "old", Optional.of(NOW.minusSeconds(1)));
        keys.create(ApiKey.Role.ADMIN, "ops", Optional.empty());
        ApiKeyRevokeCommand revoke = wire(new ApiKeyRevokeCommand());
        revoke.id = "k00000000003";
        revoke.execute();
        assertEquals("API key k00000000003 revoked.", output().strip());
        buffer.reset();

        ApiKeyListCommand list = wire(new ApiKeyListCommand());
        list.json = true;
        list.execute();
        String json = output().strip();
        assertTrue(json.contains("{\"id\":\"k00000000001\",\"role\":\"viewer\",\"label\":\"grafana\",\"createdAt\":"
                + "\"2026-03-01T12:00:00Z\",\"expiresAt\":null,\"state\":\"active\"}"), json);
        assertTrue(json.contains("\"label\":\"old\",\"createdAt\":\"2026-03-01T12:00:00Z\",\"expiresAt\":\"2026-03-01T11:59:59Z\",\"state\":\"expired\""), json);
        assertTrue(json.contains("\"label\":\"ops\",\"createdAt\":\"2026-03-01T12:00:00Z\",\"expiresAt\":null,\"state\":\"revoked\""), json);
        assertFalse(json.contains("secret"), json);
        buffer.reset();
        wire(new ApiKeyListCommand()).execute();
        assertTrue(output().contains("never"), output());

        ApiKeyDeleteCommand delete = wire(new ApiKeyDeleteCommand());
        delete.id = "nope";
        CommandException e = assertThrows(CommandException.class, delete::execute);
        assertEquals("API key not deleted: there is no API key nope", e.getMessage());
        delete.id = "k00000000002";
        delete.execute();
        assertEquals(List.of("k00000000001", "k00000000003"), keys.list.stream().map(ApiKey::id).toList());
    }

    @Test
    void healthListsEveryCheckAndIsReadyOnlyWhenAllPass() throws Exception {
        HealthService server = () -> new Health("server", List.of(new Health.Check("store", true, "derby, connected"),
                new Health.Check("draining", false, "node drained by an operator")));
        HealthService agent = () -> new Health("agent", List.of(new Health.Check("links", true, "2 usable")));
        HealthService broken = () -> {
            throw new IllegalStateException("boom");
        };
        NodeHealthCommand c = new NodeHealthCommand();
        c.out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        c.health = List.of(server, agent);
        c.execute();
        String table = output();
        assertTrue(table.contains("node drained by an operator"), table);
        assertTrue(table.strip().endsWith("NOT READY"), table);
        assertTrue(table.indexOf("agent") < table.indexOf("server"), "components by name");

        buffer.reset();
        c.health = List.of(agent);
        c.json = true;
        c.execute();
        assertEquals("{\"status\":\"READY\",\"components\":[{\"component\":\"agent\",\"ready\":true,\"checks\":"
                + "[{\"name\":\"links\",\"ok\":true,\"detail\":\"2 usable\"}]}]}", output().strip());

        Health.Report failing = HealthReport.of(List.of(agent, broken));
        assertFalse(failing.ready(), "a component that cannot answer is not ready");
        assertTrue(failing.components().stream().anyMatch(h -> h.checks().get(0).detail().contains("boom")));
        assertFalse(HealthReport.of(List.of()).ready(), "no component: not ready");
    }
}
