package net.dtm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.karaf.shell.api.action.Command;
import org.junit.jupiter.api.Test;

/**
 * The command ACLs the distribution ships (karaf-assembly etc/org.apache.karaf.command.acl.<scope>.cfg)
 * against the commands of this bundle: every command is listed (Karaf lets any ssh user run an
 * unlisted one); a command that changes something (its refusal() is not null, so it is audited)
 * needs admin, every other one viewer.
 */
class CommandAclTest {

    private static final Path ETC = Path.of("..", "..", "karaf-assembly", "src", "main", "resources", "assembly", "etc");

    private static List<Class<?>> commandClasses() throws IOException, ClassNotFoundException {
        Path classes = Path.of(DtmCommand.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .resolve("net/dtm/shell");
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(classes)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(".class") && !name.contains("$")) {
                    Class<?> c = Class.forName("net.dtm.shell." + name.substring(0, name.length() - 6));
                    if (c.isAnnotationPresent(Command.class) && !Modifier.isAbstract(c.getModifiers())) {
                        out.add(c);
                    }
                }
            }
        }
        return out;
    }

    private static Properties acl(String scope) throws IOException {
        Properties p = new Properties();
        Path file = ETC.resolve("org.apache.karaf.command.acl." + scope + ".cfg");
        assertTrue(Files.isRegularFile(file), "no ACL file for scope " + scope + ": " + file);
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    @Test
    void everyCommandHasAnAclAdminIfItChangesSomethingViewerOtherwise() throws Exception {
        List<Class<?>> commands = commandClasses();
        assertTrue(commands.size() >= 25, "found " + commands.size() + " commands");
        for (Class<?> c : commands) {
            Command command = c.getAnnotation(Command.class);
            DtmCommand instance = (DtmCommand) c.getDeclaredConstructor().newInstance();
            String expected = instance.refusal() != null ? "admin" : "viewer";
            assertEquals(expected, acl(command.scope()).getProperty(command.name()),
                    command.scope() + ":" + command.name() + " in org.apache.karaf.command.acl." + command.scope() + ".cfg");
        }
    }
}
