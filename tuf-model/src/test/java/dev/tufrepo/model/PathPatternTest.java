package dev.tufrepo.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Same answers as python-tuf's {@code DelegatedRole._is_target_in_pathpattern}. */
class PathPatternTest {
  @ParameterizedTest
  @CsvSource({
    "foo-version-*.tgz, foo-version-1.2.3.tgz, true",
    "foo-version-*.tgz, bar/foo-version-1.tgz, false",
    "*/*.txt, dir/file.txt, true",
    "*/*.txt, dir/sub/file.txt, false",
    "*, a, true",
    "*, a/b, false",
    "file?.txt, file1.txt, true",
    "file?.txt, file10.txt, false",
    "file[0-9].txt, file7.txt, true",
    "file[!0-9].txt, file7.txt, false",
    "file[!0-9].txt, filex.txt, true",
    "a*b*c*d, aXbYcZd, true",
    "a*b*c*d, aXbYcZ, false",
    "targets/[ab, targets/[ab, true",
  })
  void matches_likeFnmatchPerSegment(String pattern, String path, boolean expected) {
    assertEquals(expected, PathPattern.matches(pattern, path));
  }
}
