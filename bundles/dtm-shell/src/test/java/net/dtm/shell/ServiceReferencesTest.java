package net.dtm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.History;
import org.apache.karaf.shell.api.console.Registry;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.apache.karaf.shell.api.console.Terminal;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;

/**
 * Karaf registers none of a bundle's commands until every service they reference without
 * {@code optional = true} is there. This bundle runs on agent-only routers (no pool, device or
 * cluster service), on servers, and with or without the configuration module, so every
 * {@code @Reference} of every {@code @Service} class in it must be optional, and every command must
 * fail with a one-line message, not an exception, when its service is missing.
 */
class ServiceReferencesTest {

    /** What Karaf injects itself and never waits for (CommandExtension.inspectClass). */
    private static final Set<String> KARAF_OWN = Set.of("org.osgi.framework.BundleContext", Session.class.getName(),
            Terminal.class.getName(), History.class.getName(), Registry.class.getName(), SessionFactory.class.getName());

    /** Every class of the bundle, found in the folder or jar {@link DtmCommand} was loaded from. */
    static List<Class<?>> bundleClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(DtmCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(root)) {
            collect(root, names);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(root)) {
                collect(jar.getPath("/"), names);
            }
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String name : names) {
            classes.add(Class.forName(name, false, DtmCommand.class.getClassLoader()));
        }
        return classes;
    }

    private static void collect(Path root, List<String> names) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            files.map(root::relativize).map(Path::toString).filter(f -> f.endsWith(".class") && !f.startsWith("META-INF"))
                    .map(f -> f.substring(0, f.length() - ".class".length()).replace('/', '.').replace('\\', '.'))
                    .sorted().forEach(names::add);
        }
    }

    private static List<Class<?>> services() throws Exception {
        return bundleClasses().stream().filter(c -> c.isAnnotationPresent(Service.class)).toList();
    }

    @Test
    void everyReferenceIsOptional() throws Exception {
        List<Class<?>> services = services();
        assertTrue(services.size() >= 30, "too few @Service classes found, is the scan broken? " + services);
        List<String> mandatory = new ArrayList<>();
        int references = 0;
        for (Class<?> service : services) {
            for (Class<?> c = service; c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    Reference ref = f.getAnnotation(Reference.class);
                    if (ref == null || KARAF_OWN.contains(f.getType().getName())) {
                        continue;
                    }
                    references++;
                    if (!ref.optional()) {
                        mandatory.add(service.getSimpleName() + "." + f.getName() + " (" + f.getType().getSimpleName() + ")");
                    }
                }
            }
        }
        assertTrue(references >= 25, "too few references found: " + references);
        assertEquals(List.of(), mandatory, "mandatory references hide every command of the bundle while their service is missing");
    }

    @Test
    void everyCommandIsAServiceAndEveryScopeIsThere() throws Exception {
        List<String> notRegistered = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        for (Class<?> c : bundleClasses()) {
            Command command = c.getAnnotation(Command.class);
            if (command == null) {
                continue;
            }
            commands.add(command.scope() + ":" + command.name());
            if (!c.isAnnotationPresent(Service.class) || Modifier.isAbstract(c.getModifiers())) {
                notRegistered.add(c.getSimpleName());
            }
        }
        assertEquals(List.of(), notRegistered, "commands Karaf would not register");
        for (String expected : List.of("tunnel:status", "link:list", "pool:list", "lease:list", "device:list", "node:list",
                "vendor:list", "config:show", "config:preview", "config:apply", "config:confirm", "config:history",
                "config:rollback")) {
            assertTrue(commands.contains(expected), expected + " in " + commands);
        }
    }

    /**
     * An agent-only node: no api service at all. Every command, with its required arguments filled
     * in, fails with a one-line CommandException naming what is missing, and prints nothing.
     */
    @Test
    void everyCommandSaysWhatIsMissingWhenNoServiceIsThere() throws Exception {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Class<?> c : services()) {
            if (!c.isAnnotationPresent(Command.class)) {
                continue;
            }
            DtmCommand command = (DtmCommand) c.getDeclaredConstructor().newInstance();
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            command.out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
            fillArguments(command);
            checked++;
            try {
                command.execute();
                wrong.add(c.getSimpleName() + " ran without its service");
            } catch (CommandException e) {
                String m = e.getMessage().toLowerCase(Locale.ROOT);
                if (!(m.contains("not available on this node") || m.contains("is not installed")) || m.contains("\n")) {
                    wrong.add(c.getSimpleName() + ": " + e.getMessage());
                }
            } catch (Exception | Error e) {
                wrong.add(c.getSimpleName() + " threw " + e);
            }
            if (buffer.size() > 0) {
                wrong.add(c.getSimpleName() + " printed " + buffer.toString(StandardCharsets.UTF_8));
            }
        }
        assertTrue(checked >= 25, "commands checked: " + checked);
        assertEquals(List.of(), wrong);
    }

    /** Plausible values for the required arguments, so only the missing service can stop the command. */
    private static void fillArguments(Object command) throws IllegalAccessException {
        for (Class<?> c = command.getClass(); c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                Argument a = f.getAnnotation(Argument.class);
                if (a == null || !a.required()) {
                    continue;
                }
                f.setAccessible(true);
                if (f.getType() == String.class) {
                    f.set(command, a.name().contains("prefix") ? "10.99.0.0/24" : a.name().contains("address") ? "10.99.0.5" : "x1");
                } else if (f.getType() == int.class) {
                    f.setInt(command, 1);
                } else {
                    fail("no sample value for " + c.getSimpleName() + "." + f.getName() + " of type " + f.getType());
                }
            }
        }
        assertNotNull(command);
        assertFalse(Modifier.isAbstract(command.getClass().getModifiers()));
    }
}
