package dev.largeupload.web.config;

/** A configuration value that cannot be used; its message is one line that names the key. */
public final class ConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigurationException(String key, String problem) {
        super("Invalid configuration " + key + ": " + problem);
    }
}
