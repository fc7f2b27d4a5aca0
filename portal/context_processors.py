from portal.roles import ADMIN, EDITOR, ROLES, user_role


def roles(request):
    user = request.user
    # One groups query per request: the role decides the rest.
    role = user_role(user)
    rank = ROLES.index(role) if role else -1
    return {
        "user_role": role,
        "is_editor": rank >= ROLES.index(EDITOR),
        "is_admin": rank >= ROLES.index(ADMIN),
    }
