from portal.roles import ADMIN, EDITOR, has_role, user_role


def roles(request):
    user = request.user
    return {
        "user_role": user_role(user),
        "is_editor": has_role(user, EDITOR) if user.is_authenticated else False,
        "is_admin": has_role(user, ADMIN) if user.is_authenticated else False,
    }
