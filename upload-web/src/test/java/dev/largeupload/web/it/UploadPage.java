package dev.largeupload.web.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The upload page as a test sees it in a {@link Browser}: choosing files, a file's list item, its
 * state, progress and message, the upload id the page remembers for it, and waiting for a condition
 * (polled, never a fixed sleep).
 */
final class UploadPage {

    private final Browser browser;

    UploadPage(Browser browser) {
        this.browser = browser;
    }

    JavascriptExecutor js() {
        return (JavascriptExecutor) browser.driver();
    }

    /** Chooses the files in the page's file input, as a person would. */
    void select(Path... files) {
        StringBuilder paths = new StringBuilder();
        for (Path file : files) {
            paths.append(paths.length() == 0 ? "" : "\n").append(file.toAbsolutePath());
        }
        browser.driver().findElement(By.id("file-input")).sendKeys(paths.toString());
    }

    WebElement item(Path file) {
        return browser.driver().findElement(By.cssSelector(itemSelector(file)));
    }

    void click(Path file, String button) {
        item(file).findElement(By.cssSelector("button." + button)).click();
    }

    /** The file's state as the page shows it, or "" when it is not listed. */
    String state(Path file) {
        List<WebElement> states = browser.driver().findElements(By.cssSelector(itemSelector(file) + " .state"));
        return states.isEmpty() ? "" : states.get(0).getText().strip();
    }

    String message(Path file) {
        return item(file).findElement(By.cssSelector(".message")).getText();
    }

    /** The bytes the file's progress bar shows (its value; its max is the file's size). */
    long progressBytes(Path file) {
        Object value = js().executeScript("const p = document.querySelector(arguments[0]); return p ? p.value : -1;",
                itemSelector(file) + " progress");
        return ((Number) value).longValue();
    }

    void awaitState(Path file, String state, Duration timeout) {
        await(() -> state(file).equals(state), timeout, file.getFileName() + " " + state);
    }

    /** The upload id the page keeps in its resume memory for a file of this name, once it has one. */
    Optional<String> rememberedUploadId(Path file) {
        Object id = js().executeScript("""
                for (let i = 0; i < localStorage.length; i++) {
                  const key = localStorage.key(i);
                  if (key.startsWith('largeupload.v1:' + arguments[0] + '|')) return JSON.parse(localStorage.getItem(key)).upload_id;
                }
                return null;
                """, file.getFileName().toString());
        return Optional.ofNullable((String) id);
    }

    String awaitUploadId(Path file) {
        await(() -> rememberedUploadId(file).isPresent(), Duration.ofSeconds(60), "an upload id for " + file.getFileName());
        return rememberedUploadId(file).orElseThrow();
    }

    /** From now on (until the page is loaded again), records every XMLHttpRequest's method, URL, headers and string body. */
    void recordRequests() {
        js().executeScript(RECORD_REQUESTS);
    }

    /** The requests recorded since {@link #recordRequests()}: {method, url, headers: {lower-case name: value}, body?}. */
    JsonArray recordedRequests() {
        return Json.createReader(new StringReader((String) js().executeScript("return JSON.stringify(window.__sent);")))
                .readArray();
    }

    void await(Supplier<Boolean> condition, Duration timeout, String what) {
        new WebDriverWait(browser.driver(), timeout, Duration.ofMillis(100))
                .withMessage(() -> "waited for: " + what)
                .until(driver -> condition.get());
    }

    private static String itemSelector(Path file) {
        return "li.upload[data-name='" + file.getFileName() + "']";
    }

    private static final String RECORD_REQUESTS = """
            window.__sent = [];
            const open = XMLHttpRequest.prototype.open;
            const setHeader = XMLHttpRequest.prototype.setRequestHeader;
            const send = XMLHttpRequest.prototype.send;
            XMLHttpRequest.prototype.open = function (method, url) {
              this.__request = { method, url: String(url), headers: {} };
              window.__sent.push(this.__request);
              return open.apply(this, arguments);
            };
            XMLHttpRequest.prototype.setRequestHeader = function (name, value) {
              if (this.__request) this.__request.headers[name.toLowerCase()] = value;
              return setHeader.apply(this, arguments);
            };
            XMLHttpRequest.prototype.send = function (body) {
              if (this.__request && typeof body === 'string') this.__request.body = body;
              return send.apply(this, arguments);
            };
            """;
}
