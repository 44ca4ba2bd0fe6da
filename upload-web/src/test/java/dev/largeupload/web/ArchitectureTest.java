package dev.largeupload.web;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.largeupload.domain.service.UploadService;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hexagon's dependency rules, checked on the production classes of every module. Each rule
 * fails when the packages it names are empty (ArchUnit's failOnEmptyShould), so a rule cannot
 * pass by matching nothing.
 */
class ArchitectureTest {

    private static final String DOMAIN = "dev.largeupload.domain..";
    private static final String FILESYSTEM = "dev.largeupload.filesystem..";
    private static final String METADATA = "dev.largeupload.metadata..";
    private static final String AZURE = "dev.largeupload.azure..";
    private static final String WEB = "dev.largeupload.web..";
    private static final String WIRING = "dev.largeupload.web.wiring..";
    private static final String EDGES = "dev.largeupload.web.edge..";
    private static final String SHARED_HTTP = "dev.largeupload.web.http..";
    private static final String USE_CASES = "dev.largeupload.domain.usecase..";

    static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.largeupload");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev.largeupload.domain", "dev.largeupload.filesystem", "dev.largeupload.metadata",
            "dev.largeupload.azure", "dev.largeupload.web"})
    void everyLayerHasClassesToCheck(String pkg) {
        assertFalse(production.stream().noneMatch(c -> c.getPackageName().startsWith(pkg)), pkg + " is empty");
    }

    @Test
    void domain_dependsOnlyOnJavaAndItself() {
        check(classes().that().resideInAPackage(DOMAIN)
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", DOMAIN));
    }

    @Test
    void filesystemAdapter_importsNoOtherAdapterNorTheWeb() {
        check(noClasses().that().resideInAPackage(FILESYSTEM)
                .should().dependOnClassesThat().resideInAnyPackage(METADATA, AZURE, WEB));
    }

    @Test
    void metadataAdapter_importsNoOtherAdapterNorTheWeb() {
        check(noClasses().that().resideInAPackage(METADATA)
                .should().dependOnClassesThat().resideInAnyPackage(FILESYSTEM, AZURE, WEB));
    }

    @Test
    void azureAdapter_importsNoOtherAdapterNorTheWeb() {
        check(noClasses().that().resideInAPackage(AZURE)
                .should().dependOnClassesThat().resideInAnyPackage(FILESYSTEM, METADATA, WEB));
    }

    @Test
    void onlyTheWiringNamesAdapters() {
        check(noClasses().that().resideInAPackage(WEB).and().resideOutsideOfPackage(WIRING)
                .should().dependOnClassesThat().resideInAnyPackage(FILESYSTEM, METADATA, AZURE));
    }

    @Test
    void theWiringIsWhereAdaptersAreNamed() {
        // Proves the rule above guards real dependencies: they exist, and all of them live in the wiring.
        assertTrue(production.stream()
                .filter(c -> c.getPackageName().startsWith("dev.largeupload.web.wiring"))
                .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
                .anyMatch(d -> d.getTargetClass().getPackageName().startsWith("dev.largeupload.filesystem")));
    }

    @Test
    void edges_importNoOtherEdge() {
        List<String> edges = edgePackages();
        assertFalse(edges.isEmpty(), "no edge package under dev.largeupload.web.edge");
        for (String edge : edges) {
            check(noClasses().that().resideInAPackage(edge + "..")
                    .should().dependOnClassesThat(resideInAPackage(EDGES).and(not(resideInAPackage(edge + "..")))));
        }
    }

    @Test
    void sharedHttpHelpersAndObservers_dependOnNoEdge() {
        check(noClasses().that().resideInAnyPackage(SHARED_HTTP, "dev.largeupload.web.observe..")
                .should().dependOnClassesThat().resideInAPackage(EDGES));
    }

    @Test
    void edges_callTheUseCaseInterfaces_neverTheService() {
        check(noClasses().that().resideInAPackage(EDGES)
                .should().dependOnClassesThat().haveFullyQualifiedName(UploadService.class.getName()));
        check(classes().that().resideInAPackage(EDGES).and().areAnnotatedWith(Path.class)
                .and().haveSimpleNameNotEndingWith("ConfigResource")
                .should().dependOnClassesThat().resideInAPackage(USE_CASES));
    }

    @Test
    void onlyTheWiringKnowsTheService() {
        check(noClasses().that().resideInAPackage(WEB).and().resideOutsideOfPackage(WIRING)
                .should().dependOnClassesThat().haveFullyQualifiedName(UploadService.class.getName()));
    }

    @Test
    void noWebClassIsAProviderByScanning() {
        // Each edge's Application lists its providers; one found by scanning would serve every edge.
        check(noClasses().that().resideInAPackage(WEB).should().beAnnotatedWith(Provider.class));
    }

    @Test
    void eachEdgeApplication_listsEveryJaxRsClassOfItsEdge_andOnlyItsOwnOrSharedOnes() throws Exception {
        List<JavaClass> applications = production.stream()
                .filter(c -> c.isAssignableTo(Application.class) && c.getPackageName().startsWith("dev.largeupload.web.edge."))
                .toList();
        assertFalse(applications.isEmpty(), "no JAX-RS Application in an edge package");
        for (JavaClass application : applications) {
            String edge = application.getPackageName();
            Set<Class<?>> listed = ((Application) application.reflect().getConstructor().newInstance()).getClasses();
            assertFalse(listed.isEmpty(), application.getName() + " lists nothing, so the container would scan");
            Set<String> foreign = new TreeSet<>();
            for (Class<?> type : listed) {
                if (!type.getPackageName().equals(edge) && !type.getPackageName().equals("dev.largeupload.web.http")) {
                    foreign.add(type.getName());
                }
            }
            assertEquals(Set.of(), foreign, application.getName() + " lists classes of another edge");
            Set<String> unlisted = new TreeSet<>();
            for (JavaClass type : production) {
                if (type.getPackageName().startsWith(edge) && isJaxRsComponent(type) && !listed.contains(type.reflect())) {
                    unlisted.add(type.getName());
                }
            }
            assertEquals(Set.of(), unlisted, application.getName() + " does not list these classes of its edge");
        }
    }

    private static boolean isJaxRsComponent(JavaClass type) {
        return !type.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.ABSTRACT)
                && (type.isAnnotatedWith(Path.class) || type.isAssignableTo(ExceptionMapper.class)
                || type.isAssignableTo(MessageBodyReader.class) || type.isAssignableTo(MessageBodyWriter.class)
                || type.isAssignableTo(ContextResolver.class)
                || type.isAssignableTo(jakarta.ws.rs.container.ContainerRequestFilter.class)
                || type.isAssignableTo(jakarta.ws.rs.container.ContainerResponseFilter.class));
    }

    private static List<String> edgePackages() {
        return production.stream().map(JavaClass::getPackageName)
                .filter(p -> p.startsWith("dev.largeupload.web.edge."))
                .map(p -> p.substring(0, p.indexOf('.', "dev.largeupload.web.edge.".length()) < 0 ? p.length()
                        : p.indexOf('.', "dev.largeupload.web.edge.".length())))
                .distinct().sorted().toList();
    }

    private static void check(ArchRule rule) {
        rule.allowEmptyShould(false).check(production);
    }
}
