/* The main() every Check suite shares: run one suite, honour CK_* knobs,
 * exit non-zero on any failure. */
#ifndef PV_CHECK_MAIN_H
#define PV_CHECK_MAIN_H

#include <check.h>
#include <locale.h>
#include <stdlib.h>

#define CHECK_MAIN(make_suite)                                                                               \
	int main(void)                                                                                       \
	{                                                                                                    \
		SRunner *sr = srunner_create(make_suite());                                                  \
		int failed;                                                                                  \
                                                                                                             \
		setlocale(LC_ALL, "C.UTF-8");                                                                \
		srunner_run_all(sr, CK_ENV);                                                                 \
		failed = srunner_ntests_failed(sr);                                                          \
		srunner_free(sr);                                                                            \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;                                                 \
	}

/* A suite called name running the listed tests, with setup and teardown
 * around each (CHECK_SUITE_WITH_FIXTURE) or without, and its main(). */
#define CHECK_SUITE_BODY(name, ...)                                                                          \
	const TTest *const tests_[] = { __VA_ARGS__ };                                                       \
	Suite *s = suite_create(name);                                                                       \
	TCase *tc = tcase_create("core");                                                                    \
	size_t i_;                                                                                           \
                                                                                                             \
	tcase_set_timeout(tc, 30);                                                                           \
	for (i_ = 0; i_ < sizeof(tests_) / sizeof(tests_[0]); i_++)                                          \
		tcase_add_test(tc, tests_[i_]);                                                              \
	suite_add_tcase(s, tc)

#define CHECK_SUITE(name, ...)                                                                               \
	static Suite *check_suite_(void)                                                                     \
	{                                                                                                    \
		CHECK_SUITE_BODY(name, __VA_ARGS__);                                                         \
		return s;                                                                                    \
	}                                                                                                    \
	CHECK_MAIN(check_suite_)

#define CHECK_SUITE_WITH_FIXTURE(name, setup, teardown, ...)                                                 \
	static Suite *check_suite_(void)                                                                     \
	{                                                                                                    \
		CHECK_SUITE_BODY(name, __VA_ARGS__);                                                         \
		tcase_add_checked_fixture(tc, setup, teardown);                                              \
		return s;                                                                                    \
	}                                                                                                    \
	CHECK_MAIN(check_suite_)

#endif
