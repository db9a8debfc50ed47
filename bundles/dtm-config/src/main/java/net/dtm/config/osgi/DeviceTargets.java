package net.dtm.config.osgi;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import net.dtm.spi.config.DeviceTarget;

/**
 * Builds the {@link DeviceTarget} of a tunnel end from its configuration keys ({@code vendor},
 * {@code model}, {@code os.version}, and for a device driven remotely {@code host}, {@code port},
 * {@code username}, {@code secret.file}, {@code options}). Every mistake is an
 * {@link IllegalArgumentException} naming the key and what to write instead, so a wrong file
 * builds nothing.
 */
final class DeviceTargets {

    private DeviceTargets() {
    }

    /**
     * @param etc        folder a relative {@code secret.file} is resolved against (Karaf's etc)
     * @param options    comma list of {@code key=value}, e.g. {@code command.timeout.seconds=60,login.suffix=+ct}
     */
    static DeviceTarget from(String pid, String vendor, String model, String osVersion, String host, int port,
                             String username, String secretFile, String options, Path etc) {
        String v = vendor.trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty()) {
            throw new IllegalArgumentException("vendor in etc/" + pid + ".cfg is empty: name the device's vendor (vendor:list shows the adapters)");
        }
        String h = host.trim();
        String user = username.trim();
        String secret = secretFile.trim();
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port in etc/" + pid + ".cfg is " + port + ": use 1..65535, or 0 for the protocol's default");
        }
        if (h.isEmpty() && (!user.isEmpty() || !secret.isEmpty() || port != 0)) {
            throw new IllegalArgumentException("username, secret.file or port in etc/" + pid
                    + ".cfg are set but host is empty: set host to the device's management address, or remove them to configure this machine");
        }
        if (!h.isEmpty() && (user.isEmpty() || secret.isEmpty())) {
            throw new IllegalArgumentException("host in etc/" + pid + ".cfg is " + h
                    + " but username or secret.file is empty: a remote device needs both (secret.file holds the password or private key, mode 600)");
        }
        Optional<Path> secretPath = Optional.empty();
        if (!secret.isEmpty()) {
            Path p = Path.of(secret);
            secretPath = Optional.of(p.isAbsolute() ? p : etc.resolve(p));
        }
        return new DeviceTarget(v, model.trim(), osVersion.trim(), h, port, user, secretPath, options(pid, options));
    }

    static Map<String, String> options(String pid, String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("options in etc/" + pid + ".cfg: '" + part.trim()
                        + "' is not key=value (write options = key=value,key=value)");
            }
            String key = part.substring(0, eq).trim();
            if (out.put(key, part.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException("options in etc/" + pid + ".cfg: " + key + " is given twice");
            }
        }
        return out;
    }
}
