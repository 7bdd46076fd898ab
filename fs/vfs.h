// The virtual file system: the objects every filesystem shares and the
// interface a filesystem implements (DESIGN.md §6).
//
//   super_block  one mounted (or mountable) instance of a filesystem
//   inode        a file, directory or device: its attributes and operations
//   dentry       a name in a directory, pointing at an inode; the dentry
//                cache (dcache) indexes them by (parent, name)
//   mount        a superblock attached at a dentry of another mount
//   path         (mount, dentry): where a walk stands
//   file         an open file: a path or inode, a position, flags; every
//                one is created by file_alloc() and counted system-wide
//
// Two styles of filesystem, which can be mixed:
//   tree     (ramfs, devfs, the container fs) keep their whole namespace in
//            the dcache: entries are created by the create/mkdir callbacks
//            (or by fs code with d_create_pinned) and stay pinned until
//            removed. No lookup callback; readdir is dcache_readdir.
//   lookup   (procfs) answer each name in the lookup callback with a
//            short-lived dentry and list a directory with an iterate
//            callback; set SB_NOCACHE so those dentries are never hashed.
//
// Reference counts (all atomic):
//   dentry->refcnt  children, open files, cwds, walks in progress, mounts
//                   on it, the superblock's root reference, and the pin
//   inode->refcnt   one per dentry pointing at it, plus files without a
//                   dentry (pipes) and transient iget() users
//   mount->refcnt   one for being mounted, one per path held into it
//   file->refcnt    one per fd slot, plus fget() users
// An inode is evicted (iop->evict, then freed) when its last reference goes;
// that is how an unlinked file keeps its data until the last close.
//
// Locks, in the order they are taken:
//   rename_mutex (namei.c)      serialises renames (the tree's shape)
//   inode->lock (mutex)         a directory's entries; a file's data, size
//   mount_lock (mount.c, spin)  the mount list and dentry->mounted
//   dcache_lock (dentry.c, spin) the hash, children lists, d->parent, names
#ifndef FS_VFS_H
#define FS_VFS_H

#include "kernel/atomic.h"
#include "kernel/mutex.h"
#include "kernel/spinlock.h"
#include "kernel/syscall.h"
#include "kernel/types.h"
#include "lib/list.h"
#include "lib/seq_buf.h"

#define NAME_MAX 255   // bytes in one path component (ENAMETOOLONG)
#define PATH_MAX 4096  // bytes in a path, with its NUL (ENAMETOOLONG)
// Descriptors per task: fds at or past the task's soft RLIMIT_NOFILE
// give EMFILE. The soft limit starts at FD_MAX_DEFAULT (Linux's) and may
// be raised to the hard limit, at most FD_MAX_CEILING (Linux's
// fs.nr_open; beyond it setrlimit says EPERM).
#define FD_MAX_DEFAULT 1024
#define FD_MAX_CEILING 4096
#define FILES_MAX 65536    // open files system-wide (ENFILE beyond)

struct super_block;
struct inode;
struct dentry;
struct file;
struct mount;
struct task;

struct path {
	struct mount *mnt;
	struct dentry *dentry;
};

// ---- filesystem types and superblocks (mount.c, super.c) ----

struct file_system_type {
	const char *name; // "ramfs", "container"...
	// Make (or find, for a filesystem whose instances are shared) the
	// superblock for a new mount. options is mount's -o string, or NULL.
	// Returns 0 with *out holding one reference, or -errno.
	int (*mount)(struct file_system_type *type, const char *source,
		     const char *options, struct super_block **out);
	// The last reference to sb is gone: free what fs_info holds. Called
	// after the VFS has released sb's dentry tree (inodes are evicted).
	void (*kill_sb)(struct super_block *sb);
	// The options of a mount of sb as /proc/mounts lists them, "rw,..."
	// (Linux's show_options). NULL: "rw" and the -o string as given.
	void (*show_options)(struct super_block *sb, struct seq_buf *s);
	struct list_head list; // in the registry (mount.c)
};

int register_filesystem(struct file_system_type *type);
struct file_system_type *get_filesystem(const char *name);

#define SB_NOCACHE 1 // lookup-style: dentries are never hashed
// Files opened here are not charged to a beancounter (file.c): the
// container filesystem's control files, which a task trapped by its own
// bc barrier must still be able to open to leave (Linux's cgroup files
// are subject to no per-group limit either).
#define SB_UNCHARGED 2

struct super_block {
	struct file_system_type *type;
	struct dentry *root; // holds a reference on it
	u32 dev;             // st_dev
	unsigned flags;      // SB_*
	atomic_t refcnt;     // mounts, plus the filesystem's own holds
	void *fs_info;       // the filesystem's
};

// A new superblock with one reference and no root yet: the filesystem
// makes a root inode and sets sb->root = d_make_root(inode).
struct super_block *sb_alloc(struct file_system_type *type, unsigned flags);
void sb_get(struct super_block *sb);
// Drops a reference; the last one releases the dentry tree, calls
// type->kill_sb and frees sb.
void sb_put(struct super_block *sb);

// ---- inodes (inode.c) ----

struct inode_operations {
	// lookup-style directories: find name in dir and d_add() its inode to
	// d; leave d negative (and return 0) when there is no such name.
	int (*lookup)(struct inode *dir, struct dentry *d);
	// Make a regular file / directory for the negative dentry d and
	// d_instantiate() it; the VFS then links d into dir. Called with
	// dir->lock held. Return 0 or -errno (the filesystem's refusal).
	int (*create)(struct inode *dir, struct dentry *d, u32 mode);
	int (*mkdir)(struct inode *dir, struct dentry *d, u32 mode);
	// May d be removed? 0 or -errno; on 0 the VFS unlinks d (and, for a
	// directory, every entry below it). dir->lock and d's inode lock held.
	int (*unlink)(struct inode *dir, struct dentry *d);
	int (*rmdir)(struct inode *dir, struct dentry *d);
	// May old (in odir) become new (in ndir, maybe positive)? On 0 the VFS
	// moves the dentry and unlinks the replaced one. Both dir locks held.
	int (*rename)(struct inode *odir, struct dentry *old, struct inode *ndir,
		      struct dentry *new);
	// Change a regular file's size (truncate/extend). inode->lock held.
	int (*setsize)(struct inode *inode, u64 size);
	// The last reference is gone: free the filesystem's data.
	void (*evict)(struct inode *inode);
};

struct inode {
	u64 ino;
	u32 mode;        // S_IF* | permission bits
	u32 rdev;        // devices: major << 8 | minor
	struct super_block *sb;
	const struct inode_operations *iop;
	const struct file_operations *fop;
	atomic_t refcnt;
	// Guarded by lock (a sleeping mutex): for a directory its entries,
	// for a regular file its data, size and blocks.
	struct mutex lock;
	u64 size;
	u64 blocks;      // 512-byte blocks in use
	u64 mtime_ns;
	u32 nlink;       // kept by the VFS: filesystems only say yes or no
	void *private;   // the filesystem's (ramfs: page tree; synth: data)
	long private_id; // the filesystem's (procfs: the pid)
	const void *fop_data; // the file operations' (synth: struct synth_ops)
};

// A new inode of sb with one reference, nlink 1 (2 for a directory).
struct inode *inode_new(struct super_block *sb, u32 mode);
struct inode *iget(struct inode *inode);
void iput(struct inode *inode);
void inode_stat(struct inode *inode, struct kstat *st);
static inline bool S_ISDIR(u32 mode) { return (mode & S_IFMT) == S_IFDIR; }
static inline bool S_ISREG(u32 mode) { return (mode & S_IFMT) == S_IFREG; }

// ---- dentries (dentry.c) ----

#define DCACHE_HASHED 1 // linked in its parent and the hash; holds the pin
#define DNAME_INLINE 40

struct dentry {
	atomic_t refcnt;
	unsigned flags;          // DCACHE_*; changed under dcache_lock
	struct inode *inode;     // NULL: negative (no such name yet)
	struct super_block *sb;
	// Under dcache_lock:
	struct dentry *parent;   // itself for a superblock's root
	char *name;              // iname, or kmalloc'd when longer
	size_t namelen;
	u32 hash;
	struct list_head hash_link;  // in a dcache bucket
	struct list_head child;      // in parent->children (readdir order)
	struct list_head children;   // hashed children
	u64 seq;                     // position among siblings (readdir)
	u64 next_seq;                // next seq for a child
	int mounted;                 // mounts on this dentry (mount_lock)
	char iname[DNAME_INLINE];
};

struct dentry *dget(struct dentry *d);
void dput(struct dentry *d);
// A root dentry for inode (taking over the caller's reference).
struct dentry *d_make_root(struct inode *inode);
// Attach inode (the caller's reference) to the negative dentry d.
void d_instantiate(struct dentry *d, struct inode *inode);
#define d_add d_instantiate // lookup callbacks
// Link a new entry name -> inode (the caller's reference) into parent,
// pinned. For filesystem code outside the callbacks (devfs devices, the
// container fs's control files): the caller holds parent's inode lock, or
// parent is not reachable yet. Returns the dentry (not referenced by the
// caller) or NULL (ENOMEM; the inode reference is dropped).
struct dentry *d_create_pinned(struct dentry *parent, const char *name, struct inode *inode);
// Unlink d and every entry below it (filesystem code: the container fs
// removing a directory itself). Same locking rule as d_create_pinned.
void d_remove_pinned(struct dentry *d);
// Diagnostics (a quiet system: the torture suite's leak report): which
// live ramfs file holds data page `page`, written into buf ("in ramfs
// inode N (size S, nlink L, R references)", or "in no ramfs file").
int ramfs_page_owner(void *page, char *buf, size_t len);
// True if directory d has no linked entries (ramfs rmdir's check).
bool d_dir_empty(struct dentry *d);
// The path of p from the global root into buf: its length with the NUL,
// -ERANGE if buf is too small, -ENOENT if an entry on the way was removed.
int d_path(const struct path *p, char *buf, size_t size);

// ---- files (file.c) ----

struct dir_context;
// Emit one entry; false when the caller's buffer is full (stop). It only
// copies into a kernel buffer, so iterate may call it under a spinlock.
typedef bool (*filldir_t)(struct dir_context *ctx, const char *name, size_t len, u64 ino,
			  unsigned type);
struct dir_context {
	filldir_t emit;
	off_t pos; // the directory position; iterate advances it
};

struct file_operations {
	int (*open)(struct inode *inode, struct file *f);
	void (*release)(struct inode *inode, struct file *f);
	// *pos is the file position; advance it by what was moved.
	ssize_t (*read)(struct file *f, char *buf, size_t n, off_t *pos);
	ssize_t (*write)(struct file *f, const char *buf, size_t n, off_t *pos);
	// NULL: the generic seek (SET/CUR/END on inode->size).
	off_t (*llseek)(struct file *f, off_t off, int whence);
	// List the directory from ctx->pos; 0 or -errno.
	int (*iterate)(struct file *f, struct dir_context *ctx);
	int (*ioctl)(struct file *f, unsigned long req, long arg);
};

#define FMODE_READ 1
#define FMODE_WRITE 2

struct file {
	atomic_t refcnt;
	struct path path;       // mnt == NULL for files with no name (pipes)
	struct inode *inode;    // holds a reference
	const struct file_operations *fop;
	int flags;              // O_* from open
	unsigned mode;          // FMODE_*
	struct mutex pos_lock;  // serialises read/write/seek on pos
	off_t pos;
	void *private;          // the filesystem's or driver's
	void *charge;           // step 7: the bc container charged for it
};

// THE place a struct file is made: counts it in the open-file table,
// charges the creator's beancounter (bc_charge_file, file.c; not for an
// SB_UNCHARGED filesystem's files), takes
// references on path (may be NULL) and inode, calls fop->open. Returns the
// file with one reference, or NULL with *err set (-ENFILE, -ENOMEM, the
// charge's or open's error). fput() of the last reference undoes it all.
struct file *file_alloc(const struct path *path, struct inode *inode, int flags,
			const struct file_operations *fop, int *err);
struct file *file_get(struct file *f);
// The beancounter hooks file_alloc and the last fput call (defined in
// kernel/containers/bc.c): charge f to the current task's bc container
// (setting f->charge) or refuse with -ENFILE; the uncharge goes to
// f->charge (nothing if it is NULL).
int bc_charge_file(struct file *f);
void bc_uncharge_file(struct file *f);
// Drops a reference; the last one releases and frees the file.
void fput(struct file *f);
// Live objects, for /proc/sys/fs/file-nr and the tests' leak checks.
long files_count(void);
long inodes_count(void);
long dentries_count(void);
long pipes_count(void);
off_t noseek_llseek(struct file *f, off_t off, int whence); // -ESPIPE

// ---- descriptors and the per-task fs context (fdtable.c) ----

// A task's fd table and cwd; task->fs_ctx. Used only by its task (and by
// fs_task_exit), but guarded by lock all the same.
struct fs_context {
	struct spinlock lock;   // all of the fields below
	// fd[] has max_fds slots: it starts small and doubles as needed (so
	// a task that opens three files does not pay for a thousand), up to
	// the slot of the highest fd the limit allows.
	int max_fds;
	struct file **fd;
	unsigned long nofile_cur, nofile_max; // RLIMIT_NOFILE: soft, hard
	struct path cwd;
};

struct fs_context *fs_ctx_current(void); // the task's, or the kernel's
// The file at fd with a reference (fput it), or NULL.
struct file *fget(int fd);
// Install f (taking over the caller's reference) at the lowest free fd.
int fd_install(struct file *f);
int fs_task_fork(struct task *child, struct task *parent);
void fs_task_exit(struct task *t);

// ---- paths (namei.c) ----

#define LOOKUP_DIRECTORY 1 // the result must be a directory
// Walk path from the root or cwd to *out (referenced: path_put it).
int path_lookup(const char *path, unsigned flags, struct path *out);
void path_get(const struct path *p);
void path_put(const struct path *p);
void root_path(struct path *out); // the global root, referenced

// ---- mounts (mount.c) ----

struct mount {
	atomic_t refcnt;
	struct super_block *sb;
	struct dentry *root;        // sb->root
	struct mount *parent;       // NULL for the root mount
	struct dentry *mountpoint;  // in parent; referenced
	char *source, *options;     // as given (for /proc/mounts)
	struct list_head list;      // in the mount list (mount_lock)
};

struct mount *mntget(struct mount *m);
void mntput(struct mount *m);
// The mount on top of (m, d), referenced, or NULL.
struct mount *lookup_mnt(struct mount *m, struct dentry *d);
// Mount a filesystem from inside the kernel (fs_init; tests).
int do_mount(const char *source, const char *target, const char *fstype,
	     const char *options);
int mounts_show(struct seq_buf *s); // /proc/mounts

// ---- synthetic files (synth.c): procfs, the container fs ----
//
// The content is generated whole by show() into a seq_buf when the file
// is opened for reading (and again on a read at offset 0 after the first),
// and reads at any offset are served from that snapshot. Each write()
// call is handed whole to store(), NUL-terminated; its -errno is write's
// result, otherwise write returns the full length.
struct synth_ops {
	int (*show)(struct file *f, struct seq_buf *s);
	int (*store)(struct file *f, const char *buf, size_t len);
};
#define SYNTH_WRITE_MAX 4096 // longer writes to a synthetic file: -EINVAL
// An inode whose file operations are the synthetic-file ones; data lands
// in inode->private (show/store reach it through f->inode).
struct inode *synth_inode_new(struct super_block *sb, u32 mode, const struct synth_ops *ops,
			      void *data);
extern const struct file_operations synth_fops;

// ---- generic helpers for tree-style filesystems (dentry.c) ----

int dcache_readdir(struct file *f, struct dir_context *ctx);
// Emit "." and ".." for positions 0 and 1 (Linux's dir_emit_dots); false
// when the caller's buffer is full.
bool dir_emit_dots(struct file *f, struct dir_context *ctx);
extern const struct file_operations dcache_dir_fops; // iterate = dcache_readdir

// The sys_* calls of kernel/syscall.h work from kernel code too (tests,
// fs_init): without a task fs context they use the kernel's.
void fs_init(void);

#endif
