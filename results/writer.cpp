// Placeholder so the library target exists; replaced by its issue.
namespace pe {}
