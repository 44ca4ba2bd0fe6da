package dev.largeupload.benchmark;

/**
 * One measured figure beside its baseline, measured in the same run: {@code ratio = value / baselineValue}.
 * A figure without a baseline has {@code baseline = ""} and a NaN baseline value; one without a goal
 * has {@code goal = ""} and {@code met = null}.
 */
record Figure(String section, String configuration, String metric, double value, String unit,
              String baseline, double baselineValue, String goal, Boolean met) {

    /** A figure with neither baseline nor goal. */
    static Figure plain(String section, String configuration, String metric, double value, String unit) {
        return new Figure(section, configuration, metric, value, unit, "", Double.NaN, "", null);
    }

    /** A figure compared with a baseline, without a goal. */
    static Figure against(String section, String configuration, String metric, double value, String unit,
                          String baseline, double baselineValue) {
        return new Figure(section, configuration, metric, value, unit, baseline, baselineValue, "", null);
    }

    Figure withGoal(String goal, boolean met) {
        return new Figure(section, configuration, metric, value, unit, baseline, baselineValue, goal, met);
    }

    double ratio() {
        return baseline.isEmpty() || baselineValue == 0 ? Double.NaN : value / baselineValue;
    }

    String verdict() {
        return met == null ? "" : met ? "yes" : "NO";
    }
}
