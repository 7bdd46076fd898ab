// Private interfaces between the files of the VFS core. Filesystems use
// fs/vfs.h only.
#ifndef FS_INTERNAL_H
#define FS_INTERNAL_H

#include "fs/vfs.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

// dentry.c
void dcache_init(void);
u32 d_hash_name(const char *name, size_t len);
struct dentry *d_alloc(struct dentry *parent, const char *name, size_t len);
struct dentry *d_lookup(struct dentry *parent, const char *name, size_t len);
// The same without a reference, dcache_lock held (the cached walk).
struct dentry *d_lookup_locked(struct dentry *parent, const char *name, size_t len);
void dcache_lock_acquire(void);
void dcache_lock_release(void);
struct dentry *dget_parent(struct dentry *d);
void d_link(struct dentry *d);
void d_prune_children(struct dentry *d);
void d_move(struct dentry *d, struct dentry *new_parent, const char *name, size_t len,
	    char *longname);
bool d_is_ancestor(struct dentry *anc, struct dentry *d);
unsigned mode_to_dtype(u32 mode);

// inode.c, file.c, super.c
void inode_cache_init(void);
void file_cache_init(void);
void inode_touch(struct inode *inode); // mtime = now

// mount.c
void mount_lock_acquire(void);
void mount_lock_release(void);
struct mount *lookup_mnt_locked(struct mount *parent, struct dentry *d); // no reference
extern struct mount *root_mount;
bool mount_is_busy(struct mount *m);

// namei.c: the parent directory of a path and its last component.
#define LAST_NORM 0
#define LAST_DOT 1    // "."
#define LAST_DOTDOT 2 // ".."
#define LAST_ROOT 3   // "/" (no last component)
struct nameidata {
	struct path parent;  // referenced
	const char *last;    // points into the path given
	size_t last_len;
	int last_type;       // LAST_*
	bool trailing_slash; // "a/b/"
};
int path_lookup_parent(const char *path, struct nameidata *nd);
// Looks name up in directory dir: the dentry, referenced; or NULL with
// *err set. A missing name gives -ENOENT, or with negative_ok a new
// negative dentry (for create, mkdir, rename: the caller holds dir's lock).
struct dentry *lookup_in_dir(struct dentry *dir, const char *name, size_t len,
			     bool negative_ok, int *err);
// If (mnt, d) has mounts on it, step onto the topmost's root.
void follow_mounts(struct path *p);

// fdtable.c
void fs_ctx_init_kernel(void);
void cwd_path(struct path *out);  // referenced
void set_cwd(struct path *p);     // takes over the reference

// pipe.c, synth.c
extern const struct file_operations pipe_read_fops, pipe_write_fops;

#endif
