/* groups.h — the groups: runs of two to four internal instructions that
 * the translator fuses into one opcode (a superinstruction), so that the
 * interpreter dispatches once for them. These lists are profile data:
 * which instructions follow each other in the hot loops of the benchmark
 * programs (/work/shared/bench/wasm: fib, sieve, sort, matmul, nbody,
 * sha256). Each entry is an opcode of its own (opcodes.h puts them
 * between the scalar and the v128 opcodes) with a handler in interp.c.
 *
 * Regenerating them: `make groups-profile`. It builds a profile build in
 * build/profile (PROFILE=1: it counts every instruction it runs and
 * translates no groups; vm/profile.c) and runs
 *     python3 tools/propose_groups.py build/profile/wippy ../shared/bench/wasm > build/groups.proposed.h
 * which runs each program, reads the counts, finds the runs of two to four
 * adjacent instructions that may form a group (all run straight through,
 * no label between them, only the last branches) and keeps the most
 * frequent, each program weighing the same: as many pairs, triples and
 * quads as the lists below have, printed in this file's format.
 *
 * How the lists below relate to it: they were chosen by hand from the
 * same programs, and each entry kept only when callgrind showed it
 * paying. The tool's proposal (run on the lists' own commit) has 36 of
 * the 60 pairs below, 11 of the 25 triples and 12 of the 27 quads; it
 * prints those figures each time (on standard error). The hand-picked
 * entries it lacks are mostly steps of SHA-256's rounds, of nbody's inner
 * loop and sort's compare-and-select: those programs spread their time
 * over many different runs, each below the tool's cut, where the hand
 * tuning counted the time a group saves in its program. Its output is a
 * starting point for a round of tuning (doc/instruction-set.md, "Adding
 * a group"), not a drop-in replacement.
 *
 * Rules every list obeys (tests/test_fuse.c checks the first two): only
 * the last instruction of a group may branch; pairs with the same FIRST
 * stand together; every member runs straight through (has a body in
 * interp_bodies.h). Changing a list changes opcode numbers, nothing
 * else: no other file names a group. */
#ifndef WIPPY_VM_GROUPS_H
#define WIPPY_VM_GROUPS_H

/* A build with -DVM_NO_GROUPS (`make GROUPS=0`, for size: the minimal
 * build's smallest form) has no groups at all: the three lists are
 * empty, so no group opcode, handler or table exists, and the translator
 * never groups (translate_fuse.c). The other fused forms (_A, _IMM, _ADD,
 * _IDX, _M, _RMW, LOOP_, BR_IF_) stay: they are single instructions. */
#ifdef VM_NO_GROUPS
#define VM_PAIRS(X)
#define VM_TRIPLES(X)
#define VM_QUADS(X)
#else

/* Pairs of instructions that run as one (X(FIRST, SECOND)): both run
 * straight through (compute, access memory 0, or — only last in a group —
 * branch: interp_bodies.h), and they follow each other often in compiled
 * C — hash rounds, dot products, loops stepping several pointers, array
 * element updates. The translator turns FIRST's opcode into
 * PAIR_FIRST_SECOND when SECOND follows with no label between; SECOND
 * stays as it was, its opcode word skipped. Pairs with the same FIRST
 * stand together (the translator looks them up by FIRST). A group of any
 * length whose last branches back to its own first is a whole loop: the
 * interpreter runs it as a C loop (a looping group, interp.c); a store
 * and a LOOP_ tail, like X(I32_STORE8_IDX_IMM, LOOP_I32_LE_S_SS), a
 * strided byte fill, may run on registers (a counted store loop). */
#define VM_PAIRS(X) \
    X(I32_ADD_IMM, I32_ADD_IMM) X(I32_ADD_IMM, I32_ADD_A_IMM) X(I32_ADD_IMM, COPY) \
    X(I32_ADD_IMM, COPY2) X(I32_ADD_IMM, F64_MUL) X(I32_ADD_IMM, F64_MUL_M) \
    X(I32_ADD_IMM, I32_LOAD) X(I32_STORE8_IDX_IMM, LOOP_I32_LE_S_SS) X(COPY, I32_SHL_IMM) \
    X(COPY, I32_LOAD_IDX) X(COPY2, COPY2) X(I32_GT_S, SELECT) X(I32_LT_S, SELECT) \
    X(I32_GT_U, SELECT) X(I32_LT_U, SELECT) X(I32_ROTL_IMM, I32_XOR_A) \
    X(I32_ROTL_IMM, I32_ROTL_IMM) X(I32_ROTL_A_IMM, I32_ROTL_IMM) X(I32_XOR_A, I32_ROTL_IMM) \
    X(I32_XOR_A, I32_SHR_U_IMM) X(I32_XOR_A, I32_ADD_A) X(I32_SHR_U_IMM, I32_XOR_A) \
    X(I32_ADD_A, I32_ADD_A) X(I32_ADD_A, I32_XOR) X(I32_ADD_A, I32_XOR_IMM) \
    X(I32_ADD_A, I32_ADD) X(I32_XOR_IMM, I32_AND_A) X(I32_XOR, I32_AND_A) X(I32_AND, I32_XOR_A) \
    X(I32_AND_A, I32_ADD_A) X(F64_MUL, F64_MUL_A) X(F64_MUL, F64_MUL) X(F64_MUL, F64_SUB_M) \
    X(F64_MUL_A, F64_SUB) X(F64_MUL_A, F64_ADD_A) X(F64_MUL_A, F64_ADD_RMW) \
    X(F64_ADD_A, F64_ADD_A) X(F64_ADD_A, F64_ADD_A_IMM) X(F64_MUL_A_IMM, F64_ADD_A) \
    X(F64_MUL_A_IMM, F64_STORE) X(F64_SUB, F64_MUL_A) X(F64_SUB, F64_STORE) \
    X(F64_MUL_M, F64_ADD_RMW) X(F64_STORE, F64_LOAD) X(F64_LOAD, F64_LOAD) X(F64_LOAD, F64_MUL) \
    X(F64_SUB_M, F64_MUL_A) X(I32_LOAD_IDX, I32_LOAD_IDX) X(I32_LOAD_IDX, I32_GT_S) \
    X(I32_LOAD_IDX, I32_ADD_IMM) X(I32_STORE_IDX, COPY) X(I32_LOAD_ADD, I32_ROTL_A_IMM) \
    X(I32_LOAD_ADD, I32_AND) X(I64_ADD_IMM, I32_LOAD8_U_ADD) X(I32_LOAD, I32_ADD_IMM) \
    X(F64_ADD_A_IMM, F64_SQRT) X(F64_ADD_RMW, I32_ADD_IMM) X(CONST64, F64_DIV_A) \
    X(I32_LOAD8_U, BR_UNLESS) X(I32_STORE_IMM, LOOP_I32_LT_U_IS)
/* Longer runs, made from a pair by one more instruction (a triple) or from
 * a triple by one more or from two pairs in a row (a quad): the first's
 * opcode becomes the group's; all the others keep their words (a pair
 * inside a quad becomes its single first again). */
#define VM_TRIPLES(X) \
    X(I32_ADD_IMM, F64_MUL_M, F64_ADD_RMW) X(I32_XOR_A, I32_ADD_A, I32_ADD_A) \
    X(I32_ADD_IMM, F64_MUL, F64_MUL_A) X(I32_ADD_IMM, I32_LOAD, I32_ADD_IMM) \
    X(I32_ADD_IMM, I32_ADD_IMM, I32_LOAD) X(F64_ADD_A_IMM, F64_SQRT, F64_MUL_A) \
    X(F64_MUL_M, F64_ADD_RMW, I32_ADD_IMM) X(F64_ADD_RMW, I32_ADD_IMM, I32_ADD_IMM) \
    X(I32_STORE_IDX, COPY, I32_SHL_IMM) X(F64_MUL, F64_SUB_M, F64_MUL_A) \
    X(F64_ADD_A, F64_ADD_A_IMM, F64_SQRT) X(F64_STORE, F64_LOAD, F64_MUL) \
    X(F64_SUB, F64_STORE, F64_LOAD) X(F64_MUL_A, F64_SUB, F64_STORE) \
    X(CONST64, F64_DIV_A, F64_MUL_A) X(I32_ADD_A, I32_XOR_IMM, I32_AND_A) \
    X(I32_ADD_A, I32_ADD_A, I32_XOR) X(I32_AND, I32_XOR_A, I32_ROTL_IMM) \
    X(I32_XOR_A, I32_ROTL_IMM, I32_XOR_A) X(I32_LOAD_IDX, I32_ADD_IMM, COPY2) \
    X(I32_SHR_U_IMM, I32_XOR_A, I32_ADD_A) X(I32_ADD_A, I32_ADD_A, I32_ADD) \
    X(I64_ADD_IMM, I32_LOAD8_U_ADD, BR_UNLESS) X(I32_ADD_IMM, COPY2, BR_IF_I32_GT_S) \
    X(COPY, I32_LOAD_IDX, BR_IF_I32_LT_S)
#define VM_QUADS(X) \
    X(I32_XOR_A, I32_ROTL_IMM, I32_XOR_A, I32_ADD_A) \
    X(I32_ROTL_IMM, I32_ROTL_IMM, I32_XOR_A, I32_ROTL_IMM) \
    X(I32_ROTL_IMM, I32_XOR_A, I32_SHR_U_IMM, I32_XOR_A) \
    X(I32_LOAD_ADD, I32_ROTL_A_IMM, I32_ROTL_IMM, I32_XOR_A) \
    X(I32_XOR_IMM, I32_AND_A, I32_ADD_A, I32_ADD_A) \
    X(I32_LOAD_ADD, I32_AND, I32_ROTL_IMM, I32_ROTL_IMM) \
    X(I32_ADD_IMM, F64_MUL, F64_MUL_A, F64_ADD_RMW) \
    X(F64_STORE, F64_LOAD, F64_MUL_A_IMM, F64_ADD_A) \
    X(F64_SUB_M, F64_MUL_A, F64_SUB_M, F64_MUL_A) \
    X(I32_LOAD_IDX, I32_LOAD_IDX, I32_GT_S, SELECT) X(I32_GT_S, SELECT, COPY, I32_LOAD_IDX) \
    X(F64_MUL_M, F64_ADD_RMW, I32_ADD_IMM, F64_MUL_M) \
    X(I32_STORE_IDX, COPY, I32_SHL_IMM, I32_OR_A_IMM) \
    X(F64_MUL, F64_SUB_M, F64_MUL_A, F64_ADD_A) X(F64_ADD_A, F64_ADD_A_IMM, F64_SQRT, F64_MUL_A) \
    X(F64_STORE, F64_LOAD, F64_MUL, F64_MUL_A) X(F64_SUB, F64_STORE, F64_LOAD, F64_MUL) \
    X(CONST64, F64_DIV_A, F64_MUL_A, F64_SUB) X(F64_MUL_A, F64_SUB, F64_STORE, I32_ADD_IMM) \
    X(I32_ADD_A, I32_XOR_IMM, I32_AND_A, I32_ADD_A) X(I32_ADD_A, I32_ADD_A, I32_XOR, I32_AND_A) \
    X(I32_AND, I32_XOR_A, I32_ROTL_IMM, I32_ROTL_IMM) X(I32_LOAD_IDX, I32_ADD_IMM, COPY2, COPY2) \
    X(I32_SHR_U_IMM, I32_XOR_A, I32_ADD_A, I32_ADD_A) \
    X(F64_ADD_RMW, I32_ADD_IMM, F64_MUL, F64_MUL_A) \
    X(I32_ADD_IMM, I32_ADD_IMM, I32_LOAD, BR_IF_I32_LT_S_BACK) \
    X(I32_ADD_IMM, I32_LOAD, I32_ADD_IMM, BR_IF_I32_GT_S_BACK)

#endif /* VM_NO_GROUPS */

#endif
