package dev.largeupload.web.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class PagePolicyTest {

    @Test
    void selfOnly_isTheStrictPolicy() {
        assertEquals(PageHeadersFilter.CONTENT_SECURITY_POLICY, PagePolicy.selfOnly().contentSecurityPolicy());
    }

    @Test
    void aStorageOrigin_widensConnectSrcAndNothingElse() {
        String policy = new PagePolicy(List.of("https://acct.blob.core.windows.net")).contentSecurityPolicy();
        assertEquals(PageHeadersFilter.CONTENT_SECURITY_POLICY.replace("connect-src 'self'",
                "connect-src 'self' https://acct.blob.core.windows.net"), policy);
    }

    @Test
    void anythingButAnOrigin_isRefused() {
        for (String bad : List.of("https://acct.blob.core.windows.net/container", "*", "https://a.example; script-src *",
                "javascript:alert(1)", "")) {
            assertThrows(IllegalArgumentException.class, () -> new PagePolicy(List.of(bad)), bad);
        }
    }
}
