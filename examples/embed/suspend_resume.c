/* suspend_resume.c — run a call in fuel slices, and suspend it on a host call.
 * pkg-config: wippy-vm
 *
 *   usage: suspend_resume ticker.wasm
 *
 * The guest imports host.next(i32) -> i32. Our host function does not
 * answer at once: it returns VM_HOST_SUSPEND, vm_run() comes back with
 * VM_SUSPENDED, and later (here: at once; in a real embedder, when the
 * answer is there) vm_resume() hands the call its result. Between host
 * calls the guest spins, and vm_run() with a small budget returns
 * VM_OUT_OF_FUEL: another vm_run() continues exactly there. One OS thread
 * could interleave many such calls, one slice each in turn. */
#include <stdio.h>
#include <stdlib.h>

#include <wippy/vm.h>

typedef struct {
    int calls;
    uint32_t asked;       /* the argument of the pending call */
} host_state;

static vm_host_status next(vm_caller *caller, const vm_value *args, vm_value *results, void *user)
{
    (void)caller;
    (void)results;        /* written by vm_resume() instead */
    host_state *st = user;
    st->calls++;
    st->asked = args[0].of.i32;
    return VM_HOST_SUSPEND;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s ticker.wasm\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    static uint8_t bytes[1 << 16];
    size_t size = fread(bytes, 1, sizeof bytes, f);
    fclose(f);

    vm_error err;
    vm_module *mod = vm_module_load(bytes, size, &err);
    if (!mod) {
        fprintf(stderr, "%s: %s\n", argv[1], err.message);
        return 1;
    }
    host_state st = { 0 };
    static const vm_valtype i32[1] = { VM_I32 };
    vm_signature sig = { .nparams = 1, .nresults = 1, .params = i32, .results = i32 };
    vm_store *store = vm_store_new(NULL);
    vm_linker *linker = vm_linker_new();
    if (!store || !linker || !vm_linker_define_host(linker, "host", "next", &sig, next, &st)) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    vm_instance *inst = vm_instantiate(store, mod, linker, &err);
    if (!inst) {
        fprintf(stderr, "instantiate: %s\n", err.message);
        return 1;
    }
    vm_thread *t = vm_thread_new(store);
    vm_value arg = { .type = VM_I32, .of.i32 = 5 };
    vm_status s = vm_call_start(t, vm_instance_func(inst, "run"), &arg, 1);
    int slices = 0, suspensions = 0;
    while (s == VM_DONE) {             /* set up, or resumed: run a slice */
        s = vm_run(t, 1000);            /* at most 1000 fuel units */
        slices++;
        if (s == VM_OUT_OF_FUEL) {
            s = VM_DONE;                /* the next slice continues where this one stopped */
        } else if (s == VM_SUSPENDED) {
            suspensions++;
            printf("suspended: next(%u)\n", st.asked);
            vm_value answer = { .type = VM_I32, .of.i32 = st.asked * 10 };
            s = vm_resume(t, &answer, 1);
        } else {
            break;                      /* VM_DONE: finished; VM_TRAP */
        }
    }
    int rc = 1;
    vm_value result;
    if (s == VM_DONE && vm_thread_results(t, &result, 1) == 1) {
        printf("run(5) = %u after %d slices, %d suspensions, %d host calls\n", result.of.i32,
               slices, suspensions, st.calls);
        rc = 0;
    } else if (s == VM_TRAP) {
        fprintf(stderr, "trap: %s\n", vm_thread_trap(t)->message);
    }
    vm_thread_free(t);
    vm_linker_free(linker);
    vm_store_free(store);
    vm_module_free(mod);
    return rc;
}
