package dev.largeupload.web.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.port.OwnerQuota;
import dev.largeupload.web.config.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignInTest {

    @TempDir
    Path dir;

    @Test
    void withoutAKey_signInIsOff_andTheQuotaIsStillRead() {
        SignIn signIn = configured(Map.of("QUOTA_ACTIVE_UPLOADS", "3"));
        assertFalse(signIn.enabled());
        assertEquals(new OwnerQuota(3, 0), signIn.quota());
    }

    @Test
    void aBadValue_failsWithOneLineNamingTheKey() {
        ConfigurationException quota = assertThrows(ConfigurationException.class,
                () -> configured(Map.of("QUOTA_ACTIVE_BYTES", "lots")));
        assertTrue(quota.getMessage().startsWith("Invalid configuration QUOTA_ACTIVE_BYTES: "), quota.getMessage());
        ConfigurationException key = assertThrows(ConfigurationException.class,
                () -> configured(Map.of(SignIn.PUBLIC_KEY, "not a key")));
        assertTrue(key.getMessage().startsWith("Invalid configuration mp.jwt.verify.publickey: "), key.getMessage());
        ConfigurationException missing = assertThrows(ConfigurationException.class,
                () -> configured(Map.of(SignIn.PUBLIC_KEY_LOCATION, dir.resolve("missing.pem").toString())));
        assertTrue(missing.getMessage().startsWith("Invalid configuration mp.jwt.verify.publickey.location: "),
                missing.getMessage());
    }

    @Test
    void aKeyFile_turnsSignInOn() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String pem = "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(
                generator.generateKeyPair().getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        Path file = Files.writeString(dir.resolve("key.pem"), pem);
        assertTrue(configured(Map.of(SignIn.PUBLIC_KEY_LOCATION, file.toString())).enabled());
        assertTrue(configured(Map.of(SignIn.PUBLIC_KEY_LOCATION, file.toUri().toString())).enabled());
    }

    private static SignIn configured(Map<String, String> values) {
        SignIn signIn = new SignIn();
        signIn.configure(key -> Optional.ofNullable(values.get(key)));
        return signIn;
    }
}
